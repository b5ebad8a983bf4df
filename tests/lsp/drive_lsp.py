#!/usr/bin/env python3
"""drive_lsp.py HMMM - drives `hmmm lsp` as an editor would: initialize,
didOpen, didChange, hover, codeAction, didSave, didClose, shutdown, exit,
and checks every reply. Positions are checked in UTF-16 code units (an
emoji before a finding counts two). The document's folder holds a
.hmmm.yaml that switches a rule off, which the server must honour."""
import json
import os
import subprocess
import sys
import tempfile

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what, file=sys.stderr)


class Editor:
    def __init__(self, hmmm, cwd):
        self.proc = subprocess.Popen([hmmm, "lsp"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, cwd=cwd)
        self.next_id = 1
        self.pending = []

    def send(self, method, params=None, request=False):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if request:
            msg["id"] = self.next_id
            self.next_id += 1
        body = json.dumps(msg).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return msg.get("id")

    def read(self):
        length = None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise EOFError("the server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            name, _, value = line.decode("ascii").partition(":")
            if name.lower() == "content-length":
                length = int(value)
        return json.loads(self.proc.stdout.read(length))

    def request(self, method, params):
        rid = self.send(method, params, request=True)
        while True:
            msg = self.read()
            if msg.get("id") == rid:
                return msg
            self.pending.append(msg)

    def notification(self, method):
        for i, msg in enumerate(self.pending):
            if msg.get("method") == method:
                return self.pending.pop(i)
        while True:
            msg = self.read()
            if msg.get("method") == method:
                return msg
            self.pending.append(msg)


def main():
    hmmm = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, ".hmmm.yaml"), "w", encoding="utf-8") as f:
            f.write("disable: [coproduction.empowerment]\n")
        path = os.path.join(work, "draft plan.md")
        uri = "file://" + path.replace(" ", "%20")
        ed = Editor(hmmm, "/")

        init = ed.request("initialize", {"processId": None, "rootUri": None,
                                         "capabilities": {}})
        caps = init.get("result", {}).get("capabilities", {})
        check(caps.get("hoverProvider") is True, "initialize: no hover")
        check(caps.get("codeActionProvider"), "initialize: no code actions")
        check(caps.get("textDocumentSync", {}).get("change") == 1,
              "initialize: not full text sync")
        ed.send("initialized", {})

        # An emoji (two UTF-16 code units) before the finding; "empower"
        # is switched off by the folder's config.
        text = "# Plan\n\n\U0001F600 We empower service users.\n"
        ed.send("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "markdown", "version": 1, "text": text}})
        diags = ed.notification("textDocument/publishDiagnostics")["params"]
        check(diags["uri"] == uri, "didOpen: diagnostics for another URI")
        found = diags["diagnostics"]
        codes = [d["code"] for d in found]
        check(codes == ["coproduction.service-users"],
              f"didOpen: expected only service-users, got {codes}")
        if found:
            d = found[0]
            check(d["range"] == {"start": {"line": 2, "character": 14},
                                 "end": {"line": 2, "character": 27}},
                  f"didOpen: range in UTF-16 units wrong: {d['range']}")
            check(d["severity"] == 2, "didOpen: a warning is not severity 2")
            check(d["source"] == "hmmm", "didOpen: source is not hmmm")
            check("people who draw on care and support" in d["message"],
                  "didOpen: message lacks the suggestion")

        hov = ed.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": 2, "character": 20}})
        value = (hov.get("result") or {}).get("contents", {}).get("value", "")
        check("coproduction.service-users" in value, "hover: no rule id")
        check("People who draw on care and support" in value, "hover: no glossary entry")
        check("defines them by the one thing" in value, "hover: no reason")
        nothing = ed.request("textDocument/hover", {
            "textDocument": {"uri": uri}, "position": {"line": 0, "character": 2}})
        check(nothing.get("result") is None, "hover away from a finding is not null")

        acts = ed.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 2, "character": 15},
                      "end": {"line": 2, "character": 15}},
            "context": {"diagnostics": found}})["result"]
        titles = [a["title"] for a in acts]
        check(len(acts) == 3, f"codeAction: expected 3 actions, got {titles}")
        if acts:
            edit = acts[0]["edit"]["changes"][uri][0]
            check(edit["newText"] == "people who draw on care and support",
                  f"codeAction: new text {edit['newText']!r}")
            check(edit["range"] == found[0]["range"], "codeAction: edit range is not the match")
            check(acts[0]["kind"] == "quickfix", "codeAction: not a quickfix")

        # A change: now "Service users" starts the line (a capital kept).
        text2 = "Service users and bed blocking.\n"
        ed.send("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": text2}]})
        diags = ed.notification("textDocument/publishDiagnostics")["params"]["diagnostics"]
        codes = sorted(d["code"] for d in diags)
        check(codes == ["coproduction.bed-blocking", "coproduction.service-users"],
              f"didChange: got {codes}")
        err = [d for d in diags if d["code"] == "coproduction.bed-blocking"]
        check(err and err[0]["severity"] == 1, "didChange: an error is not severity 1")
        acts = ed.request("textDocument/codeAction", {
            "textDocument": {"uri": uri},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}},
            "context": {"diagnostics": []}})["result"]
        check(acts and acts[0]["edit"]["changes"][uri][0]["newText"] ==
              "People who draw on care and support", "codeAction: capital not kept")

        ed.send("textDocument/didSave", {"textDocument": {"uri": uri},
                                         "text": "Nothing to see.\n"})
        diags = ed.notification("textDocument/publishDiagnostics")["params"]["diagnostics"]
        check(diags == [], f"didSave: expected none, got {diags}")

        unknown = ed.request("workspace/symbol", {"query": ""})
        check(unknown.get("error", {}).get("code") == -32601,
              "an unknown request is not 'method not found'")

        ed.send("textDocument/didClose", {"textDocument": {"uri": uri}})
        diags = ed.notification("textDocument/publishDiagnostics")["params"]
        check(diags["diagnostics"] == [], "didClose: diagnostics not cleared")

        down = ed.request("shutdown", None)
        check("result" in down and down["result"] is None, "shutdown: no null result")
        ed.send("exit")
        ed.proc.stdin.close()
        rc = ed.proc.wait(timeout=30)
        check(rc == 0, f"exit after shutdown: status {rc}")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
