"""The domain: tortoise tables (one module per noun), pure rules in `rules/`, write paths in `services/`.

Table modules are listed in `models.db.MODEL_MODULES`; importing this package stays cheap so pure rules can be
imported without the ORM.
"""
