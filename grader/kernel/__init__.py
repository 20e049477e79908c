"""The grading kernel: the client that runs cells (`client`), the code loaded into each kernel
(`guard`), the fork server that starts kernels warm (`forkserver`, run as a script) and the pool
that hands warm kernels to the graders (`pool`).

`guard` and `forkserver` run outside this package, so they import nothing from `grader`: the
guard is loaded into a kernel from its source under a random module name, and the fork server is
started as ``python forkserver.py``; a student's code finds no `grader` module in the kernel.
"""
