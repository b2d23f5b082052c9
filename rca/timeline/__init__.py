"""The timeline: a multi-source chronology with shifts, staff status and delays."""
