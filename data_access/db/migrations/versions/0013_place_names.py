"""place names: the country has one name, «Hele landet»

Values for ``geo = 'land'`` were stored as «Norge» by hand and in the demo, and as «Hele landet» by SSB and FHI
imports, so the country showed up as two places. Every other spelling of the country becomes «Hele landet», as
``data_access.domain.indicators.place_name`` now stores it. Not reversible (the old spelling is not kept).

Revision ID: 0013_place_names
Revises: 0009_unique_names
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_place_names"
down_revision = "0015_coverage"
branch_labels = None
depends_on = None

OTHER_NAMES = ["norge", "landet", "nasjonalt", "landet i alt", "i alt", "hele norge", "hele landet"]


def upgrade() -> None:
    op.get_bind().execute(
        sa.text("UPDATE indicator_values SET geo_name = 'Hele landet', version = version + 1 "
                "WHERE geo = 'land' AND lower(trim(geo_name)) IN :names AND geo_name <> 'Hele landet'")
        .bindparams(sa.bindparam("names", expanding=True)), {"names": OTHER_NAMES})


def downgrade() -> None:
    pass
