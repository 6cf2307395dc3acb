"""proxyreg: the state engine behind proxy registration."""
