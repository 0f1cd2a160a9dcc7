# Error messages: each program in ../errors/NAME.py is compiled by torch.jit.CompilationUnit (so
# its file name is "<string>") and, when it compiles, its main() is called. The error printed is
# recorded as error.NAME; a program that runs records its result as result.NAME.
# --- golden driver ---
import os
import torch
from typing import Dict, List, Optional, Tuple

ERRORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "errors")
for file in sorted(os.listdir(ERRORS)):
    name = os.path.splitext(file)[0]
    with open(os.path.join(ERRORS, file)) as f:
        source = f.read()
    try:
        cu = torch.jit.CompilationUnit(source)
        result = cu.main()
    except Exception as e:  # noqa: BLE001 - the error is the expected output
        record("error." + name, str(e))
    else:
        record("result." + name, repr(result))
