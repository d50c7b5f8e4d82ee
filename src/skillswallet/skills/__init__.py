"""Skills: taxonomy, credential builders, evidence levels, the profile and gap analysis."""
