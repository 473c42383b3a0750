#!/usr/bin/env python3
"""Print every failed test of a test run, with its message, from the run's TRX files.

`dotnet test` on the solution runs the test projects side by side, so a failure's lines end up somewhere in the middle
of thousands of interleaved lines; CI logs are often read from the end. build.sh calls this after a failed run so the
last thing printed names each failing test, its project and why it failed.

Usage: report_failures.py TRX...
"""
import sys
import xml.etree.ElementTree as ET

NS = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MESSAGE_LINES = 12


def failures(path):
    root = ET.parse(path).getroot()
    storage = {}
    for test in root.iterfind("t:TestDefinitions/t:UnitTest", NS):
        storage[test.get("id")] = test.get("storage", "")
    for result in root.iterfind("t:Results/t:UnitTestResult", NS):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        message = result.findtext("t:Output/t:ErrorInfo/t:Message", default="", namespaces=NS).strip()
        stack = result.findtext("t:Output/t:ErrorInfo/t:StackTrace", default="", namespaces=NS).strip()
        yield storage.get(result.get("testId"), path), result.get("testName"), result.get("duration"), message, stack


def main(paths):
    count = 0
    for path in paths:
        try:
            found = list(failures(path))
        except (ET.ParseError, OSError) as e:
            print(f"(could not read {path}: {e})")
            continue
        for project, name, duration, message, stack in found:
            count += 1
            print(f"FAILED {name}  [{duration}]  ({project.rsplit('/', 1)[-1]})")
            lines = (message + "\n" + "\n".join(stack.splitlines()[:4])).splitlines()
            for line in lines[:MESSAGE_LINES]:
                print(f"    {line}")
            if len(lines) > MESSAGE_LINES:
                print(f"    … ({len(lines) - MESSAGE_LINES} more lines in {path})")
    print(f"{count} failed test(s) in {len(paths)} result file(s)")


if __name__ == "__main__":
    main(sys.argv[1:])
