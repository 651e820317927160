"""The procedure model: schemas loaded and checked, answers validated and worded, the 34 provinces
and their wards, the benefit rules and working days. No HTTP, no files written."""
