"""Use cases that change data, one module per entity, each through one UnitOfWork."""
