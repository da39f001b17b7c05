"""matching marks, adopted score weights, WIPO groups with their sources

Revision ID: c3a8e51f0b27
Revises: 20fc693e0582
Create Date: 2026-12-01 22:00:00

Offices that no co-lead has edited move from continents to WIPO's regional groups, and every
seeded size and group records where it came from.
"""

import sqlalchemy as sa
from alembic import op

revision = "c3a8e51f0b27"
down_revision = "20fc693e0582"
branch_labels = None
depends_on = None

GROUPS = {
    "Group B": "AU CA DE ES FI IE IL JP NO US",
    "CEBS": "HR PL",
    "CACEEC": "KG RU",
    "GRULAC": "BR PE PY",
    "African Group": "GM",
    "China": "CN",
    "Regional organisation": "EP EM",
    "International Bureau": "WO",
}
SIZE_SOURCE = (
    "estimate from the order of magnitude of the office's annual patent and trademark filings "
    "(WIPO IP Statistics Data Center); not an official classification"
)
GROUP_SOURCE = "the WIPO regional group of the member state"
NO_GROUP_SOURCE = "intergovernmental organisation: belongs to no WIPO group"
# What the previous release seeded: a value still equal to it was never chosen by a co-lead.
OLD_SEED = {
    "AU": ("medium", "Asia and the Pacific"),
    "BR": ("medium", "Latin America and the Caribbean"),
    "CA": ("medium", "North America"),
    "CN": ("large", "Asia and the Pacific"),
    "DE": ("large", "Europe"),
    "EM": ("large", "Europe"),
    "EP": ("large", "Europe"),
    "ES": ("medium", "Europe"),
    "FI": ("small", "Europe"),
    "GM": ("small", "Africa"),
    "HR": ("small", "Europe"),
    "IE": ("small", "Europe"),
    "IL": ("small", "Asia and the Pacific"),
    "JP": ("large", "Asia and the Pacific"),
    "KG": ("small", "Asia and the Pacific"),
    "NO": ("small", "Europe"),
    "PE": ("medium", "Latin America and the Caribbean"),
    "PL": ("medium", "Europe"),
    "PY": ("small", "Latin America and the Caribbean"),
    "RU": ("large", "Europe"),
    "US": ("large", "North America"),
    "WO": ("large", "Europe"),
}
# A co-lead's own choice of continent, where it names one WIPO group for certain.
OLD_REGIONS = {
    "Africa": None,
    "Asia and the Pacific": None,
    "Europe": None,
    "Latin America and the Caribbean": "GRULAC",
    "North America": "Group B",
}


def upgrade():
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("size_source", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("region_source", sa.String(length=300), nullable=True))
    op.create_table(
        "match_marks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audience_code", sa.String(length=2), nullable=False),
        sa.Column("presenter_code", sa.String(length=2), nullable=False),
        sa.Column("recommendation_number", sa.Integer(), nullable=False),
        sa.Column("verdict", sa.String(length=20), nullable=False),
        sa.Column("note", sa.String(length=1000), nullable=False),
        sa.Column("marked_by", sa.String(length=254), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audience_code"], ["offices.code"], name=op.f("fk_match_marks_audience_code_offices")
        ),
        sa.ForeignKeyConstraint(
            ["presenter_code"], ["offices.code"], name=op.f("fk_match_marks_presenter_code_offices")
        ),
        sa.ForeignKeyConstraint(
            ["recommendation_number"],
            ["recommendations.number"],
            name=op.f("fk_match_marks_recommendation_number_recommendations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_match_marks")),
        sa.UniqueConstraint(
            "audience_code",
            "presenter_code",
            "recommendation_number",
            name="uq_match_marks_pair",
        ),
    )
    op.create_table(
        "scoring_weights",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("weights", sa.JSON(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("adopted_by", sa.String(length=254), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_weights")),
    )
    offices = sa.table(
        "offices",
        sa.column("code", sa.String),
        sa.column("size", sa.String),
        sa.column("region", sa.String),
        sa.column("size_source", sa.String),
        sa.column("region_source", sa.String),
        sa.column("updated_at", sa.DateTime),
    )
    group_of = {code: group for group, codes in GROUPS.items() for code in codes.split()}
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(offices.c.code, offices.c.size, offices.c.region, offices.c.updated_at)
    ).all()
    for code, size, region, updated_at in rows:
        seeded_size, seeded_region = OLD_SEED.get(code, (None, None))
        group = group_of.get(code)
        values = {}
        if updated_at is None or region == seeded_region:
            values["region"] = group
            if group:
                organisation = group in ("Regional organisation", "International Bureau")
                values["region_source"] = NO_GROUP_SOURCE if organisation else GROUP_SOURCE
        else:
            # A co-lead chose it: translate a continent only where it names one group.
            if region in OLD_REGIONS:
                values["region"] = OLD_REGIONS[region]
            values["region_source"] = "edited by a co-lead" if values.get("region", region) else None
        if size and (updated_at is None or size == seeded_size):
            values["size_source"] = SIZE_SOURCE
        elif size:
            values["size_source"] = "edited by a co-lead"
        connection.execute(offices.update().where(offices.c.code == code).values(**values))


def downgrade():
    op.drop_table("scoring_weights")
    op.drop_table("match_marks")
    with op.batch_alter_table("offices", schema=None) as batch_op:
        batch_op.drop_column("region_source")
        batch_op.drop_column("size_source")
