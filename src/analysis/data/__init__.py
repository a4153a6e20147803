"""Load and validate the raw data package (data/raw) into typed frames; the data dictionary; what the record holds."""

from .cells import parse_partial_date
from .descriptor import (ALL_RESOURCES, ID_PREFIXES, PARTIAL_DATE_PATTERN, STATEMENT_DATE, STATEMENT_RESOURCES,
                         enum_values, is_partial_date, load_descriptor, resource_schema)
from .frames import DataPackage, coverage, has_flag, require_columns
from .loading import load, load_package, validate_package
from .problems import DataValidationError, Problem
from .rules import ARITHMETIC_FLAG, MAX_HECTARES_PER_DAY, PART_RULES, SUM_RULES

__all__ = [
    "ALL_RESOURCES", "ARITHMETIC_FLAG", "DataPackage", "DataValidationError", "ID_PREFIXES", "MAX_HECTARES_PER_DAY",
    "PARTIAL_DATE_PATTERN", "PART_RULES", "Problem", "STATEMENT_DATE", "STATEMENT_RESOURCES", "SUM_RULES", "coverage",
    "enum_values", "has_flag", "is_partial_date", "load", "load_descriptor", "load_package", "parse_partial_date",
    "require_columns", "resource_schema", "validate_package",
]
