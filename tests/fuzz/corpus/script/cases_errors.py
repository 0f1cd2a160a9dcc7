# Error messages: each program in ../errors/NAME.py is compiled by torch.jit.CompilationUnit (so
# its file name is "<string>") and, when it compiles, its main() is called. The error printed is
# recorded as error.NAME; a program that runs records its result as result.NAME.
