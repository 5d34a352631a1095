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
from sqlalchemy.orm.attributes import instance_dict, set_committed_value

from casework.extensions import db

POSITION = "position"  # each row's place in its row set's ORDER BY


def fetch(row_sets: Mapping[str, sa.Select]) -> dict[str, list[Any]]:
    """Every row set's instances, in its own order, read in one statement (nothing sent when there are none)."""
    if not row_sets:
        return {}
    dialect = db.session.get_bind().dialect
    keys = [stmt._generate_cache_key() for stmt in row_sets.values()]
    shape = None
    if all(key is not None for key in keys):
        shape = (dialect.name, tuple(row_sets), tuple(key.key for key in keys))  # type: ignore[union-attr]
    combined = _combined.get(shape) if shape is not None else None
    parameters = combined.parameters(keys) if combined is not None else None
    if combined is None or parameters is None:
        combined = _Combined(row_sets, dialect, keys if shape is not None else None)
        if shape is not None and combined.bind_names is not None:
            if len(_combined) >= _MOST_COMBINED:
                _combined.clear()
            _combined[shape] = combined
        # Built from these row sets, it holds their own values; they are passed all the same, by name, as every
        # later run passes them: SQLAlchemy keys its compiled form by the names passed, and a first run with
        # none had every later one compile the statement again, once (80 ms of a worker's second PDF summary).
        parameters = combined.parameters(keys) or {}
    values = db.session.execute(combined.statement, parameters).one()
    return {
        name: plan.instances(value)
        for name, plan, value in zip(row_sets, combined.plans, values, strict=True)
    }


class _Combined:
    """The one statement of some row sets, and how to run it again for row sets of the same shape.

    Building it (a subquery and an aggregate per row set) cost more than a case page's other statements
    together, and a page of another case, or the same page for another user, asks for row sets of the same
    shape with other values. SQLAlchemy itself reuses a compiled statement for another one of the same
    cache key, by the place of each value in the key; this does the same with the built statement: each
    value of the new row sets, by its place in its own cache key, fills the bound parameter at that place in
    the row sets the statement was built from. A statement is reused only when every value of the row sets it
    was built from has its parameter in it (otherwise it is built again every time), and a parameter the
    first row sets shared between places only when the new values at those places agree: never is it run
    with a value of another request."""

    def __init__(
        self, row_sets: Mapping[str, sa.Select], dialect: sa.Dialect, keys: list[Any] | None
    ) -> None:
        """Built from `row_sets`; `keys`, their cache keys, when it may be read again (None: it may not)."""
        self.plans = [_Plan(stmt, dialect) for stmt in row_sets.values()]
        self.statement = sa.select(*(plan.aggregate.label(f"set_{i}") for i, plan in enumerate(self.plans)))
        self.bind_names = _bind_names(self.statement, keys, dialect) if keys is not None else None

    def parameters(self, keys: list[Any]) -> dict[str, Any] | None:
        """The statement's parameters, each the value at its place in the cache keys of the new row sets; None
        when two places of one parameter (a value the row sets it was built from shared) differ now, or when the
        statement cannot be read again."""
        if self.bind_names is None:
            return None
        parameters: dict[str, Any] = {}
        for names, key in zip(self.bind_names, keys, strict=True):
            for name, bind in zip(names, key.bindparams, strict=True):
                value = bind.effective_value
                if name in parameters and parameters[name] != value:
                    return None
                parameters[name] = value
        return parameters


_combined: dict[tuple, _Combined] = {}
_MOST_COMBINED = 256  # shapes kept (a handful in use: the case page, the PDF's, a section's own)


def _bind_names(statement: sa.Select, keys: list[Any], dialect: sa.Dialect) -> list[list[str]] | None:
    """For each row set, the name its compiled statement gives each bound parameter of its cache key, in the
    key's order; None when one has none. (The compiler's own parameters, such as SQLite's OFFSET 0 under a
    LIMIT, come from the statement's shape, which the key holds: the same in every statement of that key.)"""
    compiled = statement.compile(dialect=dialect)
    by_key = {bind.key: name for bind, name in compiled.bind_names.items()}
    names = [[by_key.get(bind.key) for bind in key.bindparams] for key in keys]
    if any(None in row for row in names):
        return None
    return names  # type: ignore[return-value]


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
    # Into the new instance's dict, as the ORM's loader puts a loaded row (a new instance has no history to
    # cancel: `set_committed_value` for each column cost a tenth of a case page's processor time);
    # make_transient_to_detached then marks every value committed and the rest unloaded.
    instance_dict(obj).update(values)
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
        instance = self._detached(row)
        session.add(instance)
        return instance

    def detached_instance(self, row: Mapping[str, Any]) -> Any:
        """The instance of the row's columns, detached (in no session), or None when the row has none."""
        if None in (row[label] for label in self.identity):
            return None
        return self._detached(row)

    def _detached(self, row: Mapping[str, Any]) -> Any:
        return detached(self.mapper, {key: row[label] for key, label in self.labels.items()})


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
