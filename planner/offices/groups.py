"""WIPO's regional groups, as an office's region records them: pure, for the line-up rules and
the offices' pages alike."""

REGIONS = (
    "African Group",
    "Asia and the Pacific",
    "CACEEC",
    "CEBS",
    "China",
    "Group B",
    "GRULAC",
    "Regional organisation",
    "International Bureau",
)
# The entries of REGIONS that are no WIPO group: an intergovernmental organisation belongs to
# none (EP and EM are not each other's group because both are regional organisations).
NOT_A_GROUP = frozenset({"Regional organisation", "International Bureau"})


def wipo_group(region: str | None) -> str | None:
    """The WIPO group an office's region names, or None (none recorded, or an organisation)."""
    return None if region in NOT_A_GROUP else region
