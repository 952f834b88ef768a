"""Estimated arrival time of stock at a destination: road distance over speed, handling, lead time."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..i18n import t

if TYPE_CHECKING:
    import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class ArrivalModel:
    """The parameters of the arrival estimate, all configurable.

    ``road_factor`` turns straight-line distance into road distance (mountain roads wind);
    ``speed_kmh`` is the average loaded-truck speed; ``handling_hours`` covers loading at the
    point and unloading at the destination.
    """

    road_factor: float = 1.4
    speed_kmh: float = 40.0
    handling_hours: float = 1.0

    def __post_init__(self) -> None:
        if self.road_factor < 1:
            raise ValueError("road_factor must be at least 1")
        if self.speed_kmh <= 0:
            raise ValueError("speed_kmh must be positive")
        if self.handling_hours < 0:
            raise ValueError("handling_hours must be 0 or more")

    def travel_hours(self, from_lat: float, from_lon: float, to_lat: float, to_lon: float) -> float:
        """Road travel time estimated from the straight-line distance."""
        return haversine_km(from_lat, from_lon, to_lat, to_lon) * self.road_factor / self.speed_kmh

    def eta_hours(
        self,
        from_lat: float,
        from_lon: float,
        to_lat: float,
        to_lon: float,
        *,
        lead_time_hours: float = 0.0,
        table_hours: float | None = None,
    ) -> float:
        """Hours from the order until the stock is at the destination.

        ``table_hours``, when a travel-time table has an entry for this pair, replaces the
        straight-line estimate; the lead time of agreement and capacity reserves is added.
        """
        travel = table_hours if table_hours is not None else self.travel_hours(from_lat, from_lon, to_lat, to_lon)
        return travel + self.handling_hours + lead_time_hours


ENV_ROAD_FACTOR = "SUPPLIES_ROAD_FACTOR"
ENV_SPEED = "SUPPLIES_ROAD_SPEED_KMH"
ENV_HANDLING = "SUPPLIES_HANDLING_HOURS"


def arrival_from_env(environ: Mapping[str, str] | None = None) -> ArrivalModel:
    """The arrival model with any of ``SUPPLIES_ROAD_FACTOR``, ``SUPPLIES_ROAD_SPEED_KMH`` and
    ``SUPPLIES_HANDLING_HOURS`` applied over the defaults; a bad value is refused naming the variable."""
    import os

    from ..errors import InvalidInput

    env = os.environ if environ is None else environ
    values: dict[str, float] = {}
    for name, key in ((ENV_ROAD_FACTOR, "road_factor"), (ENV_SPEED, "speed_kmh"), (ENV_HANDLING, "handling_hours")):
        raw = env.get(name)
        if raw is None or not raw.strip():
            continue
        try:
            values[key] = float(raw)
        except ValueError:
            raise InvalidInput(t("must be a number, not {raw!r}", raw=raw), name) from None
        if not math.isfinite(values[key]):
            raise InvalidInput(t("must be a finite number"), name)
    try:
        return ArrivalModel(**values)
    except ValueError as exc:
        field = {"road_factor": ENV_ROAD_FACTOR, "speed_kmh": ENV_SPEED}.get(str(exc).split()[0], ENV_HANDLING)
        raise InvalidInput(str(exc), field) from None


def eta_hours_array(
    model: ArrivalModel,
    from_lat: np.ndarray,
    from_lon: np.ndarray,
    to_lat: float,
    to_lon: float,
    lead_time_hours: np.ndarray,
    table_hours: np.ndarray,
) -> np.ndarray:
    """:meth:`ArrivalModel.eta_hours` for many origins at once; ``table_hours`` is NaN where no entry."""
    import numpy as np

    p1, p2 = np.radians(from_lat), math.radians(to_lat)
    dp, dl = p2 - p1, np.radians(to_lon - from_lon)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * math.cos(p2) * np.sin(dl / 2) ** 2
    km = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    travel = np.where(np.isnan(table_hours), km * model.road_factor / model.speed_kmh, table_hours)
    eta: np.ndarray = travel + model.handling_hours + lead_time_hours  # numpy's stubs give Any here
    return eta
