"""The GraphQL schema, assembled from one module per noun."""

from __future__ import annotations

import logging

import strawberry
from graphql import GraphQLError
from strawberry.extensions import (
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from api.audit_trail import AuditReads
from api.authorization import install
from api.errors import PolkuErrors
from api.execution import execution_context_class
from api.input_check import with_input_check
from api.schema.audit import AuditQuery
from api.schema.haku import HakuQuery
from api.schema.hoks import HoksMutation, HoksQuery
from api.schema.kysely import KyselyMutation, KyselyQuery
from api.schema.kyselylinkki import KyselylinkkiMutation, KyselylinkkiQuery
from api.schema.opiskeluoikeus import OpiskeluoikeusMutation, OpiskeluoikeusQuery
from api.schema.oppija import OppijaQuery
from api.schema.raportointi import RaportointiQuery
from api.schema.valpas import ValpasMutation, ValpasQuery
from api.schema.valpas_hakeutuminen import ValpasHakeutuminenQuery
from api.schema.valpas_haku import ValpasHakuQuery
from api.schema.valpas_kirjaukset import ValpasKirjausMutation
from api.schema.valpas_laatu import ValpasLaatuQuery
from api.schema.valpas_oppilaitos import ValpasOppilaitosQuery
from models.services.errors import DomainError

log = logging.getLogger("polku.api")
# How much of a GraphQL validation message (which quotes the rejected value) the log keeps.
LOGGED_MESSAGE = 80


@strawberry.type(description="Reads. Each answers only what the bearer token's roles allow (FORBIDDEN otherwise).")
class Query(
    AuditQuery,
    HakuQuery,
    HoksQuery,
    KyselyQuery,
    KyselylinkkiQuery,
    OppijaQuery,
    OpiskeluoikeusQuery,
    RaportointiQuery,
    ValpasQuery,
    ValpasHakeutuminenQuery,
    ValpasLaatuQuery,
    ValpasHakuQuery,
    ValpasOppilaitosQuery,
):
    pass


@strawberry.type(description="Writes, each one transaction; refusals carry extensions.code and extensions.field.")
class Mutation(
    HoksMutation, KyselyMutation, KyselylinkkiMutation, OpiskeluoikeusMutation, ValpasMutation, ValpasKirjausMutation
):
    pass


class PolkuSchema(strawberry.Schema):
    """Refusals the caller can act on are not server faults: log them briefly, keep tracebacks for the rest."""

    def process_errors(self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None) -> None:
        unexpected = []
        for error in errors:
            if isinstance(error.original_error, DomainError):
                log.info("refused: %s (%s)", error.message, error.original_error.code)
            elif error.original_error is None:  # GraphQL's own syntax or validation error: may quote the input
                log.info("refused: %s", error.message[:LOGGED_MESSAGE])
            else:
                unexpected.append(error)
        super().process_errors(unexpected, execution_context)


# One instance each for the life of the process: every new limiter makes a new validation rule, and the
# validation cache is keyed by the rules, so per-request limiters would make every request re-validate.
_DEPTH_LIMIT = QueryDepthLimiter(max_depth=8)
_ALIAS_LIMIT = MaxAliasesLimiter(max_alias_count=15)
_TOKEN_LIMIT = MaxTokensLimiter(max_token_count=2000)

schema = PolkuSchema(
    query=Query,
    mutation=Mutation,
    extensions=[
        lambda: _DEPTH_LIMIT,
        lambda: _ALIAS_LIMIT,
        lambda: _TOKEN_LIMIT,
        lambda: ParserCache(maxsize=256),
        lambda: ValidationCache(maxsize=256),
        PolkuErrors,
        AuditReads,
    ],
    execution_context_class=with_input_check(execution_context_class()),
)
install(schema._schema)
