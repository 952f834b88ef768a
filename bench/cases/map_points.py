"""The map's points layer: GeoJSON of every storage point of the province with its available stock per supply class."""

from __future__ import annotations

import json

from ..harness import Case, Context, Sample, Stats, Verdict

TARGET_S = 0.200


class MapPoints(Case):
    name = "map_points"
    title = "GeoJSON of the province's points with stock per class"
    target = "median ≤ 200 ms"
    needs = ("supplies.services.places.geojson",)

    def setup(self, ctx: Context) -> None:
        self.inv = ctx.dataset.open()

    def run(self) -> Sample:
        layer = self.inv.map.points()
        features = layer["features"]
        return Sample(
            metrics={
                "points": len(features),
                "with_stock": sum(1 for f in features if f["properties"]["stock"]),
                "class_entries": sum(len(f["properties"]["stock"]) for f in features),
                "kib": round(len(json.dumps(layer, ensure_ascii=False).encode()) / 1024),
            }
        )

    def judge(self, stats: Stats, base: Stats | None) -> Verdict:
        return Verdict(stats.median <= TARGET_S, metrics=stats.metrics[-1])

    def teardown(self) -> None:
        self.inv.close()


CASE = MapPoints
