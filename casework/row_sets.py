"""Many row sets read in one statement: each `select(Model)...` becomes a subquery that aggregates its rows to
JSON, and the rows come back as detached instances of the model, each column converted by its own type.

The case page reads a dozen small lists (convictions, tasks, notes...). Sent one by one they cost a round trip
each; here they cost one. A row set is a plain select of one mapped class (its WHERE, joins and ORDER BY are
kept; the order travels as a row number, since neither json_group_array nor a subquery promises one). The
instances are detached: their columns are loaded, their relationships are not (set them from another row set
with `sqlalchemy.orm.attributes.set_committed_value`, or read them with an ordinary query).

Each value comes back as the database driver would have given it, then passes through the column type's own
result processing (enums, UTC timestamps, Sealed columns, which open here): SQLite's JSON holds the stored
text of dates and the 0/1 of booleans as its driver does; PostgreSQL's writes dates, times and bytes as text,
which is parsed back first.

`EntityColumns` serves a single row read beside other columns (the session's row with its user): a class's
columns labelled with a prefix, and its instance made from them, persistent in the session as the ORM's loader
would leave it, without that loader's work.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapper, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from casework.extensions import db

POSITION = "position"  # each row's place in its row set's ORDER BY


def fetch(row_sets: Mapping[str, sa.Select]) -> dict[str, list[Any]]:
    """Every row set's instances, in its own order, read in one statement (nothing sent when there are none)."""
    if not row_sets:
        return {}
    dialect = db.session.get_bind().dialect
    plans = {name: _Plan(stmt, dialect) for name, stmt in row_sets.items()}
    statement = sa.select(*(plan.aggregate.label(f"set_{i}") for i, plan in enumerate(plans.values())))
    values = db.session.execute(statement).one()
    return {name: plan.instances(value) for (name, plan), value in zip(plans.items(), values, strict=True)}


def attach(parents: Sequence[Any], key: str, children: Sequence[Any]) -> None:
    """Set the relationship `key` of each parent from `children` (instances of the related class, from another
    row set), matched on the relationship's own columns: a list in the children's order, or one or None."""
    if not parents:
        return
    relationship = sa.inspect(type(parents[0])).relationships[key]
    if relationship.secondary is not None:
        raise ValueError(f"{key}: only relationships without a secondary table are attached")
    parent_keys = [
        relationship.parent.get_property_by_column(local).key for local, _ in relationship.local_remote_pairs
    ]
    child_keys = [
        relationship.mapper.get_property_by_column(remote).key
        for _, remote in relationship.local_remote_pairs
    ]
    matching: dict[tuple, list] = {}
    for child in children:
        matching.setdefault(tuple(getattr(child, k) for k in child_keys), []).append(child)
    for parent in parents:
        found = matching.get(tuple(getattr(parent, k) for k in parent_keys), [])
        set_committed_value(
            parent, key, list(found) if relationship.uselist else (found[0] if found else None)
        )


def detached(mapper: Mapper, values: Mapping[str, Any]) -> Any:
    """A detached instance of `mapper` whose loaded attributes are `values` (by attribute key, each already
    converted by its column's type), with no history: as the ORM would have loaded it, without its loader."""
    obj = mapper.class_manager.new_instance()
    for key, value in values.items():
        set_committed_value(obj, key, value)
    make_transient_to_detached(obj)
    return obj


def loaded_attributes(mapper: Mapper) -> list[Any]:
    """The column attributes the ORM loads with an instance of `mapper` (every one not deferred)."""
    return [attr for attr in mapper.column_attrs if not attr.deferred]


class EntityColumns:
    """A mapped class's loaded columns, labelled with a prefix, to read beside others in one statement; and the
    instance they make, by hand (`detached`)."""

    def __init__(self, model: type, prefix: str) -> None:
        self.mapper: Mapper = sa.inspect(model)
        attributes = loaded_attributes(self.mapper)
        self.labels = {attr.key: f"{prefix}{attr.key}" for attr in attributes}
        self.columns = [attr.columns[0].label(self.labels[attr.key]) for attr in attributes]
        self.identity = [
            self.labels[self.mapper.get_property_by_column(c).key] for c in self.mapper.primary_key
        ]

    def instance(self, row: Mapping[str, Any], session: Session) -> Any:
        """The instance of the row's columns (converted by their types) in `session`, or None when the row has
        none (an outer join that found no row). As with the ORM's loader, an instance the session already holds
        stands as it is; a new one is made by hand and added, persistent, with nothing to flush."""
        identity = tuple(row[label] for label in self.identity)
        if None in identity:
            return None
        present = session.identity_map.get(self.mapper.identity_key_from_primary_key(identity))
        if present is not None:
            return present
        instance = detached(self.mapper, {key: row[label] for key, label in self.labels.items()})
        session.add(instance)
        return instance


class _Shape:
    """What a row set of one mapped class on one dialect always has: its columns (labelled c0, c1...), their types
    and result processors, and on SQLite the JSON array of a row. Made once per class and dialect: building them
    for every row set of every page cost more than the round trips the single statement saves."""

    def __init__(self, mapper: Mapper, dialect: sa.Dialect) -> None:
        postgres = dialect.name == "postgresql"
        self.attributes = loaded_attributes(mapper)
        self.types = [attr.columns[0].type for attr in self.attributes]
        self.columns = [
            _selected(attr.columns[0], postgres).label(f"c{i}") for i, attr in enumerate(self.attributes)
        ]
        self.processors = [
            type_.dialect_impl(dialect).result_processor(dialect, None) for type_ in self.types
        ]
        self.row: Any = None
        if not postgres:
            if len(self.columns) >= 126:  # SQLite's limit on a function's arguments (json_array) is 127
                raise ValueError(f"{mapper.class_.__name__} has too many columns for one JSON array")
            # The subquery's columns by name: `inner.c` would build a proxy of each column (a few ms a row set).
            names = [f"c{i}" for i in range(len(self.columns))] + [POSITION]
            self.row = sa.func.json_array(*(sa.column(name) for name in names))


_shapes: dict[tuple[Mapper, str], _Shape] = {}


def _shape(mapper: Mapper, dialect: sa.Dialect) -> _Shape:
    key = (mapper, dialect.name)
    if key not in _shapes:
        _shapes[key] = _Shape(mapper, dialect)
    return _shapes[key]


def _selected(column: Any, postgres: bool) -> Any:
    """The column as JSON can hold it: SQLite's JSON refuses BLOBs, so bytes travel as hex there."""
    if not postgres and isinstance(_stored_type(column.type), sa.LargeBinary):
        return sa.func.hex(column)
    return column


class _Plan:
    """One row set: its aggregating subquery and how to turn its JSON back into instances."""

    def __init__(self, stmt: sa.Select, dialect: sa.Dialect) -> None:
        self.mapper = _only_entity(stmt)
        self.dialect = dialect
        self.postgres = dialect.name == "postgresql"
        shape = _shape(self.mapper, dialect)
        self.attributes, self.types, self.processors = shape.attributes, shape.types, shape.processors
        # The only way to read a Select's ORDER BY back; the row number carries it through the aggregate.
        order = list(stmt._order_by_clauses)
        position = sa.func.row_number().over(order_by=order or None).label(POSITION)
        inner = (
            stmt.with_only_columns(*shape.columns, position, maintain_column_froms=True)
            .order_by(None)
            .subquery()
        )
        rows = (
            sa.func.json_agg(inner.table_valued()) if self.postgres else sa.func.json_group_array(shape.row)
        )
        self.aggregate = sa.select(rows).select_from(inner).scalar_subquery()

    def instances(self, value: Any) -> list[Any]:
        """The detached instances of the aggregated JSON, in the row set's order."""
        if value is None:  # json_agg over no rows
            return []
        rows = json.loads(value) if isinstance(value, str) else value
        if self.postgres:
            rows = [[row[f"c{i}"] for i in range(len(self.attributes))] + [row[POSITION]] for row in rows]
        rows.sort(key=lambda row: row[-1])
        return [self._instance(row) for row in rows]

    def _instance(self, row: Sequence[Any]) -> Any:
        values = {}
        for attr, type_, processor, raw in zip(
            self.attributes, self.types, self.processors, row, strict=False
        ):
            value = self._as_driver_gives(raw, type_)
            values[attr.key] = processor(value) if processor else value
        return detached(self.mapper, values)

    def _as_driver_gives(self, raw: Any, type_: sa.types.TypeEngine) -> Any:
        """The JSON value as the database driver would have returned it for a column of this type."""
        if raw is None:
            return None
        stored = _stored_type(type_)
        if isinstance(stored, sa.LargeBinary):
            return bytes.fromhex(raw[2:] if self.postgres else raw)  # PostgreSQL writes bytea as "\\x…"
        if not self.postgres:
            return raw  # SQLite's driver gives the stored text and numbers, which its types then parse
        if isinstance(stored, sa.DateTime):
            return datetime.fromisoformat(raw)
        if isinstance(stored, sa.Date):
            return date.fromisoformat(raw)
        if isinstance(stored, sa.Time):
            return time.fromisoformat(raw)
        if isinstance(stored, sa.Numeric) and not isinstance(stored, sa.Float) and stored.asdecimal:
            return Decimal(str(raw))
        return raw


def _stored_type(type_: sa.types.TypeEngine) -> sa.types.TypeEngine:
    """The type the database stores (a TypeDecorator's implementation)."""
    return type_.impl_instance if isinstance(type_, sa.types.TypeDecorator) else type_


def _only_entity(stmt: sa.Select) -> Mapper:
    """The one mapped class a row set selects."""
    descriptions = stmt.column_descriptions
    entity = descriptions[0].get("entity") if len(descriptions) == 1 else None
    if entity is None or descriptions[0]["expr"] is not entity:
        raise ValueError("a row set selects exactly one mapped class: select(Model)...")
    return sa.inspect(entity)
