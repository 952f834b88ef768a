"""Per-person needs norms for the readiness check, kept as editable data with their sources."""

from sqlmodel import Field, SQLModel


class NeedNorm(SQLModel, table=True):
    """One way to meet a need: so much per person, met by so much per unit of an item."""

    __tablename__ = "need_norm"

    id: int | None = Field(default=None, primary_key=True)
    need: str = Field(max_length=40, index=True)
    name_zh: str | None = Field(default=None, max_length=100)
    name_en: str | None = Field(default=None, max_length=100)
    amount_per_person: float = Field(ge=0)
    basis: str = Field(default="once", max_length=10)
    unit: str = Field(max_length=20)
    hazard: str | None = Field(default=None, max_length=30)  # None: the norm applies to every hazard
    item_code: str | None = Field(default=None, max_length=40)
    amount_per_unit: float | None = Field(default=None, gt=0)
    status: str = Field(default="sourced", max_length=10)
    source: str | None = Field(default=None, max_length=1000)
