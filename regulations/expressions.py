"""SQL expressions over a list of ids sent as one parameter, not one placeholder per id.

A search's hits or a market's rules can be thousands of ids: as ``pk__in`` they made
statements of hundreds of kilobytes that Django and the driver spent longer building
and splitting than the database spent running.
"""

from __future__ import annotations

import json

from django.db.models import BooleanField, F, FloatField, Func


class IdsExpression(Func):
    """An expression of a row's primary key and a list of ids."""

    def __init__(self, ids: list[int], column: str = "pk"):
        self.ids = list(ids)
        super().__init__(F(column))

    def compile_column(self, compiler) -> tuple[str, list]:
        return compiler.compile(self.source_expressions[0])


class AmongIds(IdsExpression):
    """True for the rows whose key is in ``ids``: ``queryset.filter(AmongIds(ids))``."""

    conditional = True
    output_field = BooleanField()

    def as_postgresql(self, compiler, connection, **extra):
        column, params = self.compile_column(compiler)
        return f"{column} = ANY(%s::bigint[])", [*params, self.ids]

    def as_sqlite(self, compiler, connection, **extra):
        column, params = self.compile_column(compiler)
        sql = f"{column} IN (SELECT value FROM json_each(%s))"  # noqa: S608 - a compiled column; the ids are a parameter
        return sql, [*params, json.dumps(self.ids)]


class RankIn(IdsExpression):
    """Minus a row's place in ``ids``, best first: higher is better, as ranks are."""

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        column, params = self.compile_column(compiler)
        return f"-array_position(%s::bigint[], {column})", [self.ids, *params]

    def as_sqlite(self, compiler, connection, **extra):
        column, params = self.compile_column(compiler)
        listed = "," + ",".join(map(str, self.ids)) + ","
        return f"-instr(%s, ',' || {column} || ',')", [listed, *params]
