"""Canonical tables, column mapping, validation and loading of customer data."""

from omnimkt.data._validate_leads import (
    validate_lead_events,
    validate_lead_orders,
    validate_leads,
)
from omnimkt.data._validate_sessions import validate_sessions
from omnimkt.data.check import CheckReport, Problem, check_dataset
from omnimkt.data.dataset import Dataset
from omnimkt.data.io import load_dataset, read_table, write_dataset, write_table
from omnimkt.data.schema import SPECS, STAGES, Columns, TableSpec
from omnimkt.data.validate import (
    validate_customers,
    validate_dataset,
    validate_stage_events,
    validate_touchpoints,
    validate_transactions,
)

__all__ = [
    "SPECS",
    "CheckReport",
    "Problem",
    "check_dataset",
    "STAGES",
    "Columns",
    "Dataset",
    "TableSpec",
    "load_dataset",
    "read_table",
    "validate_customers",
    "validate_dataset",
    "validate_lead_events",
    "validate_lead_orders",
    "validate_leads",
    "validate_sessions",
    "validate_stage_events",
    "validate_touchpoints",
    "validate_transactions",
    "write_dataset",
    "write_table",
]
