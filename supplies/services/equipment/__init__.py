"""Equipment tracked by unit (装备): units with serial numbers, their lots, maintenance plans and service records."""
