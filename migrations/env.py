import logging
from logging.config import fileConfig

import sqlalchemy as sa
from alembic import context
from flask import current_app
from sqlalchemy import event

from casework import outage, sealing

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
# Keep the application's loggers (and pytest's capture) working when migrations run in-process.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def render_item(type_, obj, autogen_context):
    """Write the project's UTC timestamp type as the plain SQLAlchemy type it stores."""
    if type_ == "type" and obj.__class__.__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_after_commit():
    """Work outside the database that a migration left for after its commit (files it replaced)."""
    callbacks = current_app.extensions.pop("migration_after_commit", [])
    for callback in callbacks:
        callback()


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("compare_type", True)
    conf_args.setdefault("render_item", render_item)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()
    if connectable.dialect.name == "sqlite" and connectable.url.database not in (None, "", ":memory:"):
        _run_sqlite_migrations(_sqlite_migration_engine(connectable.url), conf_args)
        return

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"  # an in-memory database: the app's own connection
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")  # see _sqlite_migration_engine
            connection.commit()
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)
        with context.begin_transaction(), sealing.bound(connection):  # key checks read on this connection
            context.run_migrations()
        run_after_commit()
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
            if broken:
                raise RuntimeError(f"the migration left {len(broken)} rows pointing nowhere: {broken[:5]}")


def _sqlite_migration_engine(url):
    """An engine of its own for migrating a SQLite file, whose transactions are real ones.

    By default pysqlite commits before every DDL statement, so a killed upgrade left a migration half
    applied (its first tables created, its revision not recorded) and the rerun failed. Here pysqlite is
    told to keep out of transactions and the engine emits BEGIN IMMEDIATE itself (SQLAlchemy's recipe for
    pysqlite): each migration, with the revision it records, is committed whole or not at all.

    SQLite rebuilds a table to alter it (render_as_batch): with foreign keys on, dropping the old table would
    cascade-delete every row that points at it. They are off while the schema changes (the pragma is ignored
    inside a transaction, hence on connecting, before any BEGIN), and checked whole afterwards."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, hide_parameters=True)  # no values in logs
    outage.watch(engine)  # a file that cannot be opened is one line of error, as with the app's engine

    @event.listens_for(engine, "connect")
    def _outside_any_transaction(dbapi_connection, connection_record):
        dbapi_connection.isolation_level = None  # pysqlite neither begins nor commits on its own
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")  # the write lock now: no other writer in between

    return engine


def _run_sqlite_migrations(engine, conf_args):
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                transactional_ddl=True,  # SQLite's DDL is transactional; Alembic assumes it is not
                transaction_per_migration=True,
                **conf_args,
            )
            with context.begin_transaction(), sealing.bound(connection):
                context.run_migrations()
            run_after_commit()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            connection.rollback()
    finally:
        engine.dispose()
    if broken:
        raise RuntimeError(f"the migration left {len(broken)} rows pointing nowhere: {broken[:5]}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
