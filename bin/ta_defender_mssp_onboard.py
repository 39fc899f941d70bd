"""Splunk REST handler for the add-on's setup page: onboarding actions (store a credential,
admin consent, delegated sign-in, pasted refresh tokens).

splunkd runs custom REST handlers in Python only, so this handler does no work of its own: it
passes each request to the add-on's executable, `defender_alerts --onboard`, as one JSON
document on stdin (splunkd's address, the calling user's session key and name, the action and
its parameters) and answers with the JSON the executable writes on stdout. The session key
travels on stdin, never on the command line. See docs/ONBOARDING.md.

Request (POST /servicesNS/nobody/TA-defender-mssp/ta_defender_mssp/onboard, JSON body):
    {"action": "admin_consent_url", "params": {"account": "mssp", ...}}
Answer: the action's payload with its HTTP status, or
    {"error": {"code": "...", "message": "...", "action": "...", "details": {...}}}
"""

import json
import os
import platform
import subprocess
import sys

try:
    from splunk.persistconn.application import PersistentServerConnectionApplication
except ImportError:  # outside splunkd (the add-on's tests load this file with a stand-in)
    class PersistentServerConnectionApplication(object):
        def __init__(self):
            pass

APP_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TIMEOUT_SECONDS = 60
MAX_ANSWER_BYTES = 1024 * 1024


def executable():
    """The add-on's executable: the packaged runtime of this platform, else bin/ (development)."""
    machine = platform.machine().lower()
    arch = "x86_64" if machine in ("x86_64", "amd64") else machine
    system = platform.system().lower()
    candidates = []
    if system == "windows":
        candidates.append(os.path.join(APP_DIR, "windows_" + arch, "bin", "defender_alerts.exe"))
    else:
        candidates.append(os.path.join(APP_DIR, system + "_" + arch, "bin", "defender_alerts"))
    candidates.append(os.path.join(APP_DIR, "bin", "defender_alerts"))
    for path in candidates:
        if os.path.isfile(path):
            return path
    return None


def failure(status, code, message, action):
    return {"status": status,
            "payload": {"error": {"code": code, "message": message, "action": action}}}


def log(text):
    # stdout carries splunkd's protocol; diagnostics go to stderr, which splunkd logs.
    sys.stderr.write("ta_defender_mssp_onboard: %s\n" % text)
    sys.stderr.flush()


class OnboardHandler(PersistentServerConnectionApplication):
    def __init__(self, command_line=None, command_arg=None):
        PersistentServerConnectionApplication.__init__(self)

    def handle(self, in_string):
        try:
            answer = self._handle(in_string)
        except Exception as error:  # never let a stack trace (or a secret in it) reach the page
            log("unexpected failure: %s" % type(error).__name__)
            answer = failure(500, "INTERNAL", "The onboarding handler failed unexpectedly.",
                             "This is a bug in the add-on; report it with the lines of splunkd.log around it.")
        return answer

    def _handle(self, in_string):
        if isinstance(in_string, bytes):
            in_string = in_string.decode("utf-8")
        request = json.loads(in_string)
        if request.get("method") != "POST":
            return failure(405, "ONBOARDING_REQUEST_INVALID", "Use POST for onboarding actions.",
                           "Correct the named field of the setup page's request.")
        try:
            body = json.loads(request.get("payload") or "{}")
        except ValueError:
            return failure(400, "ONBOARDING_REQUEST_INVALID", "The request body is not JSON.",
                           "Correct the named field of the setup page's request.")
        session = request.get("session") or {}
        server = request.get("server") or {}
        document = {
            "server_uri": server.get("rest_uri"),
            "session_key": session.get("authtoken"),
            "user": session.get("user"),
            "action": body.get("action"),
            "params": body.get("params") or {},
        }
        path = executable()
        if path is None:
            return failure(500, "INTERNAL", "The add-on's executable is missing from its bin folders.",
                           "Reinstall the add-on package for this platform.")
        try:
            done = subprocess.run([path, "--onboard"], input=json.dumps(document).encode("utf-8"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=TIMEOUT_SECONDS, cwd=APP_DIR)
        except subprocess.TimeoutExpired:
            return failure(504, "AUTH_UNREACHABLE",
                           "The onboarding action did not finish within %d seconds." % TIMEOUT_SECONDS,
                           "Check the network path, proxy and DNS from this Splunk host to the login host.")
        for line in done.stderr.decode("utf-8", "replace").splitlines():
            if line.strip():
                log(line)
        lines = done.stdout[:MAX_ANSWER_BYTES].decode("utf-8", "replace").strip().splitlines()
        try:
            answer = json.loads(lines[-1])
            status = int(answer["status"])
            payload = answer["payload"]
        except (IndexError, ValueError, KeyError, TypeError):
            log("no answer from the executable (exit code %s)" % done.returncode)
            return failure(500, "INTERNAL", "The add-on's executable gave no answer.",
                           "This is a bug in the add-on; report it with the lines of splunkd.log around it.")
        return {"status": status, "payload": payload}
