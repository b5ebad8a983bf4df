#!/usr/bin/python3
"""Makes tests/cli/cases/office-writer-features/features.docx and .odt with
LibreOffice Writer itself, so that hmmm is tested on files a real word
processor wrote: a phrase split by bold, a footnote, a page-number field, a
table, tracked changes (a deletion and insertions), a header and a footer.

Needs LibreOffice Writer and its Python bridge (Debian: libreoffice-writer-nogui
python3-uno); the tests do not run it, they use the files it made:

    /usr/bin/python3 tests/office/make_writer_files.py tests/cli/cases/office-writer-features/features

Writer stamps tracked changes with the time, so the files differ in those
dates from one run to the next, never in their text.
"""
import uno, sys, time, subprocess, os
from com.sun.star.beans import PropertyValue
def prop(n, v):
    p = PropertyValue(); p.Name = n; p.Value = v; return p
proc = subprocess.Popen(["soffice", "--headless", "--invisible", "--norestore",
    "--accept=socket,host=localhost,port=2002;urp;"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
local = uno.getComponentContext()
resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
for i in range(60):
    try:
        ctx = resolver.resolve("uno:socket,host=localhost,port=2002;urp;StarOffice.ComponentContext"); break
    except Exception:
        time.sleep(0.5)
smgr = ctx.ServiceManager
desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
doc = desktop.loadComponentFromURL("private:factory/swriter", "_blank", 0, (prop("Hidden", True),))
text = doc.Text
cur = text.createTextCursor()
PB = 0  # PARAGRAPH_BREAK
text.insertString(cur, "Our plan", False); text.insertControlCharacter(cur, PB, False)
# A phrase split by formatting: "service" bold, " users" plain.
cur.CharWeight = 150.0
text.insertString(cur, "We asked service", False)
cur.CharWeight = 100.0
text.insertString(cur, " users what they think.", False)
# A footnote.
fn = doc.createInstance("com.sun.star.text.Footnote")
text.insertTextContent(cur, fn, False)
fn.insertString(fn.createTextCursor(), "Our frontline staff wrote this note.", False)
text.insertControlCharacter(cur, PB, False)
# A field (page number) inside a sentence.
text.insertString(cur, "On page ", False)
pf = doc.createInstance("com.sun.star.text.TextField.PageNumber")
pf.NumberingType = 4; pf.SubType = 1
text.insertTextContent(cur, pf, False)
text.insertString(cur, " we will empower people.", False)
text.insertControlCharacter(cur, PB, False)
# A comment (annotation).
text.insertString(cur, "Market shaping matters.", False)
text.insertControlCharacter(cur, PB, False)
# A table.
table = doc.createInstance("com.sun.star.text.TextTable")
table.initialize(2, 2)
text.insertTextContent(cur, table, False)
table.getCellByName("A1").setString("What you said")
table.getCellByName("B1").setString("What we did")
table.getCellByName("A2").setString("Too much jargon")
table.getCellByName("B2").setString("We stopped saying block contract")
text.insertControlCharacter(cur, PB, False)
# Tracked changes: a deletion and an insertion.
text.insertString(cur, "We will consult on the draft plan with carers.", False)
text.insertControlCharacter(cur, PB, False)
doc.RecordChanges = True
c2 = text.createTextCursor(); c2.gotoEnd(False)
text.insertString(c2, "Bed blocking is down. ", False)
text.insertString(c2, "The end.", False)
# A replacement with changes tracked: the old words are a deletion.
search = doc.createSearchDescriptor(); search.SearchString = "consult on the draft plan with"
found = doc.findFirst(search)
found.setString("work with")
doc.RecordChanges = False
# A header and a footer on every page.
page = doc.StyleFamilies.getByName("PageStyles").getByName("Standard")
page.HeaderIsOn = True
page.HeaderText.setString("Our service user strategy")
page.FooterIsOn = True
page.FooterText.setString("Draft for the frontline teams")
out = sys.argv[1]
doc.storeToURL(uno.systemPathToFileUrl(out + ".docx"), (prop("FilterName", "MS Word 2007 XML"),))
doc.storeToURL(uno.systemPathToFileUrl(out + ".odt"), (prop("FilterName", "writer8"),))
doc.close(True)
try:
    desktop.terminate()
except Exception:
    pass
proc.wait(timeout=30)
