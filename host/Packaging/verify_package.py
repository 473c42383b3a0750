#!/usr/bin/env python3
"""Verifies an Auralis package: every file that must be inside is inside, and the unpacked package works.

usage: verify_package.py REPO_ROOT PACKAGE [PACKAGE...]      (PACKAGE: .tar.gz, .deb or an Auralis.vst3 folder)

A miss fails with the file named; a warning is never enough. Checks, per package:
  1. contents: host/Packaging/package-contents.txt, every file of each required plugin's folder in the tested
     development build (artifacts/app/plugins/<folder>), and everything the package's auralis.deps.json names;
  2. for a .deb: the control file's Depends names the native libraries the host loads;
  3. the unpacked package, run with an empty environment, passes `auralis doctor` and loads every required plugin;
  4. its VST3 bundle is complete (host/Auralis.Vst3.Bundle/verify-bundle.sh) and a real VST3 host's scanner (Ardour's)
     finds every class the bundle declares;
  5. its `auralis serve` starts and serves every page file (wwwroot/ in the contents list) byte for byte, and its API.
Exit 0 only when all pass.
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request

DEB_ROOT = "usr/lib/auralis/"
DEB_DEPENDS = ["libsndfile1", "libavcodec59", "libjack-jackd2-0"]
VST3_SCANNER = "/usr/lib/ardour7/ardour-vst3-scanner"


def fail(problems, message):
    problems.append(message)
    print(f"  MISSING/BROKEN: {message}")


def expected_files(repo):
    """The static list, plus per-required-plugin files from the tested dev build, plus the package's deps.json."""
    expected = []
    with open(os.path.join(repo, "host/Packaging/package-contents.txt")) as f:
        expected += [line.strip() for line in f if line.strip() and not line.startswith("#")]
    with open(os.path.join(repo, "host/Auralis.Cli/auralis.config.json")) as f:
        required = json.load(f)["required_plugins"]
    dev_plugins = os.path.join(repo, "artifacts/app/plugins")
    folders = {}
    if os.path.isdir(dev_plugins):
        for folder in sorted(os.listdir(dev_plugins)):
            manifest = os.path.join(dev_plugins, folder, "plugin.json")
            if os.path.isfile(manifest):
                with open(manifest) as f:
                    folders[json.load(f)["id"]] = folder
    for plugin_id in required:
        folder = folders.get(plugin_id)
        if folder is None:
            expected.append(f"plugins/{plugin_id.split('.')[-1]}/plugin.json")
            continue
        for dirpath, _, files in os.walk(os.path.join(dev_plugins, folder)):
            for name in files:
                if not name.endswith(".pdb"):
                    rel = os.path.relpath(os.path.join(dirpath, name), dev_plugins)
                    expected.append("plugins/" + rel)
    return expected, required, folders


def deps_files(deps_text):
    files = []
    deps = json.loads(deps_text)
    for target in deps.get("targets", {}).values():
        for lib in target.values():
            for kind in ("runtime", "native"):
                for asset in lib.get(kind, {}):
                    files.append(os.path.basename(asset))
    return files


def list_archive(path):
    if path.endswith(".deb"):
        out = subprocess.run(["dpkg-deb", "-c", path], check=True, capture_output=True, text=True).stdout
        names = []
        for line in out.splitlines():
            name = line.split()[5]
            if name.startswith("./"):
                name = name[2:]
            names.append(name.rstrip("/"))
        return names
    with tarfile.open(path) as t:
        return [m.name for m in t.getmembers()]


def unpack(path, dest):
    if path.endswith(".deb"):
        subprocess.run(["dpkg-deb", "-x", path, dest], check=True)
        return os.path.join(dest, DEB_ROOT)
    with tarfile.open(path) as t:
        top = t.getmembers()[0].name.split("/")[0]
    subprocess.run(["tar", "-xzf", path, "-C", dest, "--no-same-owner"], check=True)
    return os.path.join(dest, top)


def verify_bundle(repo, bundle, problems):
    """The bundle's own completeness check, then Ardour's scanner must find every class moduleinfo.json declares."""
    if not os.path.isdir(bundle):
        fail(problems, f"the VST3 bundle {bundle}")
        return
    check = subprocess.run(["sh", os.path.join(repo, "host/Auralis.Vst3.Bundle/verify-bundle.sh"), bundle], capture_output=True, text=True)
    for line in (check.stdout + check.stderr).splitlines():
        if "error" in line:
            fail(problems, line.strip())
    if check.returncode != 0 and not problems:
        fail(problems, f"verify-bundle.sh exited {check.returncode}")
    if not os.path.isfile(VST3_SCANNER):
        fail(problems, f"{VST3_SCANNER} (Debian package ardour) is needed to prove the bundle loads in a VST3 host")
        return
    try:
        with open(os.path.join(bundle, "Contents/Resources/moduleinfo.json")) as f:
            declared = [c["Name"] for c in json.load(f)["Classes"]]
    except (OSError, ValueError, KeyError) as e:
        fail(problems, f"moduleinfo.json: {e}")
        return
    with tempfile.TemporaryDirectory(prefix="auralis-scan-") as home:
        # The scanner's cache is stamped in whole seconds: a bundle younger than a second reads as stale.
        past = time.time() - 5
        for dirpath, dirs, files in os.walk(bundle):
            for name in dirs + files:
                os.utime(os.path.join(dirpath, name), (past, past), follow_symlinks=False)
        os.utime(bundle, (past, past))
        env = {"PATH": "/usr/bin:/bin", "HOME": home, "XDG_CACHE_HOME": os.path.join(home, "cache"), "LD_LIBRARY_PATH": "/usr/lib/ardour7"}
        scan = subprocess.run([VST3_SCANNER, "-f", bundle], env=env, capture_output=True, text=True, timeout=300)
    found = [line.split("Found Plugin:", 1)[1].strip() for line in (scan.stdout + scan.stderr).splitlines() if "Found Plugin:" in line]
    for name in declared:
        if name not in found:
            fail(problems, f"VST3 class '{name}' is declared but Ardour's scanner does not find it (scanner exit {scan.returncode})")
    print(f"  vst3: {len(found)}/{len(declared)} classes found by {os.path.basename(VST3_SCANNER)} in {bundle}")


def verify(repo, package):
    print(f"verifying {package}")
    problems = []
    if os.path.isdir(package):
        verify_bundle(repo, package, problems)
        print(f"FAILED: {package}: {len(problems)} problem(s)" if problems else f"ok: {package}")
        return problems
    names = list_archive(package)
    if package.endswith(".deb"):
        prefix = DEB_ROOT
        installed = {n[len(prefix):] for n in names if n.startswith(prefix)}
        if "usr/bin/auralis" not in names:
            fail(problems, "usr/bin/auralis (the command on PATH)")
        control = subprocess.run(["dpkg-deb", "-f", package, "Depends"], check=True, capture_output=True, text=True).stdout
        for dep in DEB_DEPENDS:
            if dep not in control:
                fail(problems, f"DEBIAN/control Depends lacks {dep} (has: {control.strip()})")
    else:
        top = names[0].split("/")[0]
        installed = {n[len(top) + 1:] for n in names if n.startswith(top + "/")}
    expected, required, folders = expected_files(repo)
    with tempfile.TemporaryDirectory(prefix="auralis-verify-") as tmp:
        root = unpack(package, tmp)
        deps_path = os.path.join(root, "auralis.deps.json")
        if os.path.isfile(deps_path):
            with open(deps_path) as f:
                expected += deps_files(f.read())
        for name in sorted(set(expected)):
            if name not in installed:
                fail(problems, name)
        print(f"  contents: {len(set(expected))} required files checked, {len(installed)} files in the package")
        # The unpacked package must work on its own: empty environment, outside the repository.
        exe = os.path.join(root, "auralis")
        env = {"PATH": "/usr/bin:/bin"}
        if os.path.isfile(exe):
            doctor = subprocess.run([exe, "doctor", "--json"], env=env, cwd=tmp, capture_output=True, text=True)
            try:
                report = json.loads(doctor.stdout)
            except json.JSONDecodeError:
                fail(problems, f"auralis doctor did not run (exit {doctor.returncode}): {doctor.stderr.strip()[:500]}")
                report = None
            if report is not None:
                for check in report["checks"]:
                    if check["status"] == "fail":
                        where = os.path.relpath(check["path"], root) if check.get("path", "").startswith(root) else check.get("path", "")
                        fail(problems, f"doctor: {check['name']}: {check['detail']} [{where}]")
                if doctor.returncode != 0 and report.get("healthy") is not False:
                    fail(problems, f"auralis doctor exited {doctor.returncode}")
            plugins = subprocess.run([exe, "plugins", "--json"], env=env, cwd=tmp, capture_output=True, text=True)
            try:
                listed = {p["id"]: p["status"] for p in json.loads(plugins.stdout)["plugins"]}
            except (json.JSONDecodeError, KeyError):
                listed = {}
            for plugin_id in required:
                if listed.get(plugin_id) != "ok":
                    fail(problems, f"plugin {plugin_id} does not load from the package: {listed.get(plugin_id, 'not listed')}")
            print(f"  unpacked: doctor exit {doctor.returncode}, {sum(1 for s in listed.values() if s == 'ok')}/{len(required)} required plugins load")
            served = check_serve(exe, root, tmp, env, [n for n in expected if n.startswith("wwwroot/")], problems)
            print(f"  unpacked: auralis serve answered, {served} page files served as packaged")
        bundle = os.path.join(tmp, "usr/lib/vst3/Auralis.vst3") if package.endswith(".deb") else os.path.join(root, "vst3", "Auralis.vst3")
        verify_bundle(repo, bundle, problems)
    if problems:
        print(f"FAILED: {package}: {len(problems)} problem(s)")
    else:
        print(f"ok: {package}")
    return problems


def check_serve(exe, root, tmp, env, assets, problems):
    """Starts the unpacked `auralis serve` on a free loopback port; every page file must come back as packaged."""
    library = os.path.join(tmp, "library")
    os.makedirs(library, exist_ok=True)
    server = subprocess.Popen([exe, "serve", "--library", library, "--port", "0", "--data-dir", os.path.join(tmp, "data")],
                              env=env, cwd=tmp, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    served = 0
    try:
        address = None
        deadline = time.time() + 60
        lines = []
        while time.time() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            lines.append(line.rstrip())
            if line.startswith("auralis: serving") and " at http://" in line:
                address = line.split(" at ", 1)[1].strip()
                break
        if address is None:
            fail(problems, "auralis serve did not start: " + " | ".join(lines)[-800:])
            return 0
        for asset in assets:
            url = address + ("" if asset == "wwwroot/index.html" else asset[len("wwwroot/"):])
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read()
            except OSError as e:
                fail(problems, f"auralis serve: {asset} not served ({e})")
                continue
            local = os.path.join(root, asset)
            if not os.path.isfile(local) or open(local, "rb").read() != body:
                fail(problems, f"auralis serve: {asset} served differs from the packaged file")
                continue
            served += 1
        try:
            with urllib.request.urlopen(address + "api/library", timeout=10) as response:
                json.loads(response.read())
        except (OSError, ValueError) as e:
            fail(problems, f"auralis serve: /api/library failed ({e})")
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    return served


def main():
    repo, packages = sys.argv[1], sys.argv[2:]
    if not packages:
        print(__doc__)
        return 2
    bad = 0
    for p in packages:
        bad += 1 if verify(repo, p) else 0
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
