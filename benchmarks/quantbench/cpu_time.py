"""Runs a command with its standard output going to a file, then prints the CPU seconds
(user + system) the command used, so that a load generator's cost per call can be stated.

    python3 cpu_time.py OUTPUT_FILE COMMAND [ARG...]
"""
import resource
import subprocess
import sys


def main() -> int:
    output, command = sys.argv[1], sys.argv[2:]
    with open(output, "wb") as sink:
        status = subprocess.call(command, stdout=sink)
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{usage.ru_utime + usage.ru_stime:.3f}")
    return status


if __name__ == "__main__":
    sys.exit(main())
