"""A scope's SQL built once and matched fast (``partnerships.access`` and the apps' scopes).

Building and compiling the nested subqueries of a scope cost the ORM more than the database
takes to run them, and the SQL differs between people only by the ids it is given; and
PostgreSQL plans ``id IN (subquery)`` for the worst case where ``id = ANY(ARRAY(subquery))``
goes to each row by its key.
"""

from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.db.models import Lookup, QuerySet
from django.db.models.expressions import RawSQL


class Among(Lookup):
    """``lhs`` is one of the ids the subquery ``rhs`` gives. On PostgreSQL as one array,
    worked out first: from ``IN (…)`` it guesses the ids may be a whole school (the leaders'
    rule, for a person who leads none) and reads every school's rows to join them; given
    the array, it goes to each row by its key."""

    lookup_name = "among"
    prepare_rhs = False

    def _sides(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return lhs, rhs, (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} IN {rhs}", params

    def as_postgresql(self, compiler, connection):
        lhs, rhs, params = self._sides(compiler, connection)
        return f"{lhs} = ANY(ARRAY{rhs})", params


# The SQL of each scope built by ``ids_query``: by its name, how many ids it is given, and
# the database.
_COMPILED: dict[tuple[str, int, str], tuple[str, tuple]] = {}


def ids_query(name: str, build: Callable[[tuple[int, ...]], QuerySet], ids) -> RawSQL:
    """``build(ids)`` (a query of ids) as SQL compiled once for as many ids, then given these.

    The SQL of a scope differs between people only by the ids it is given (a person's, or
    their tamariki's), and building and compiling its nested subqueries cost the ORM more
    than the database takes to run them. It is compiled for stand-in ids (-1, -2, …:
    nobody's, as ids count up from 1), which mark where each id goes among its parameters.
    """
    ids = tuple(ids)
    key = (name, len(ids), connections[DEFAULT_DB_ALIAS].vendor)
    stand_ins = tuple(range(-1, -len(ids) - 1, -1))
    if key not in _COMPILED:
        _COMPILED[key] = build(stand_ins).order_by().query.sql_with_params()
    sql, params = _COMPILED[key]
    given = dict(zip(stand_ins, ids, strict=True))
    params = [given.get(param, param) if type(param) is int else param for param in params]
    # The ORM's own SQL, with its parameters kept apart: nothing typed goes into it.
    return RawSQL(sql, params, output_field=models.BigIntegerField())  # noqa: S611
