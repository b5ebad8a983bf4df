#!/usr/bin/env python3
"""Makes the Word (.docx) and OpenDocument (.odt) files the tests read, and
the example draft, from the descriptions below (the standard library only).

    tests/office/make_fixtures.py            writes them into the source tree
    tests/office/make_fixtures.py --check    fails when a file there is not
                                             what this script makes

The archives are made the same way every time (fixed dates, order and
attributes). zlib may pack the same text into other bytes elsewhere, so
--check compares each archive's members, not its bytes; the damaged files,
which cannot be unpacked, are stored unpacked and compared byte for byte.
"""
import io
import os
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CASES = os.path.join('tests', 'cli', 'cases')
SEEDS = os.path.join('tests', 'fuzz', 'seeds', 'office')
DATE = (2024, 1, 1, 0, 0, 0)

W = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main'
NAMESPACES = (
    f'xmlns:w="{W}" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" '
    'mc:Ignorable="wps"')
XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/'


def esc(s):
    return s.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')


def zip_bytes(members, compress=zipfile.ZIP_DEFLATED):
    """An archive of MEMBERS, (name, text or bytes) pairs, in order."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, 'w') as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, DATE)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            # OpenDocument's mimetype comes first, unpacked.
            info.compress_type = zipfile.ZIP_STORED if name == 'mimetype' else compress
            z.writestr(info, data.encode('utf-8') if isinstance(data, str) else data)
    return out.getvalue()


# ---- Word ------------------------------------------------------------------

def r(text, bold=False, italic=False):
    props = ('<w:b/>' if bold else '') + ('<w:i/>' if italic else '')
    rpr = f'<w:rPr>{props}</w:rPr>' if props else ''
    return f'<w:r>{rpr}<w:t xml:space="preserve">{esc(text)}</w:t></w:r>'


def p(*runs, style=None, ppr=''):
    if style:
        ppr = f'<w:pStyle w:val="{style}"/>' + ppr
    return f'<w:p>{f"<w:pPr>{ppr}</w:pPr>" if ppr else ""}{"".join(runs)}</w:p>'


def tbl(*rows):
    out = '<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>'
    out += '<w:gridCol w:w="4500"/>' * len(rows[0]) + '</w:tblGrid>'
    for row in rows:
        out += '<w:tr>' + ''.join(
            f'<w:tc><w:tcPr><w:tcW w:w="4500" w:type="dxa"/></w:tcPr>{cell}</w:tc>'
            for cell in row) + '</w:tr>'
    return out + '</w:tbl>'


def notes(kind, texts):
    """footnotes.xml or endnotes.xml: Word's two separators, then TEXTS."""
    out = f'{XML}<w:{kind}s {NAMESPACES}>'
    out += (f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>'
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:r>'
            f'<w:continuationSeparator/></w:r></w:p></w:{kind}>')
    for i, text in enumerate(texts, 1):
        out += (f'<w:{kind} w:id="{i}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/>'
                f'</w:rPr><w:{kind}Ref/></w:r>{r(" " + text)}</w:p></w:{kind}>')
    return out + f'</w:{kind}s>'


def comments(texts):
    out = f'{XML}<w:comments {NAMESPACES}>'
    for i, text in enumerate(texts):
        out += (f'<w:comment w:id="{i}" w:author="Reviewer" w:date="2024-01-01T00:00:00Z" '
                f'w:initials="R"><w:p>{r(text)}</w:p></w:comment>')
    return out + '</w:comments>'


STYLES = (XML + f'<w:styles {NAMESPACES}>'
          '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/>'
          '</w:style><w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/>'
          '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:outlineLvl w:val="0"/>'
          '</w:pPr><w:rPr><w:b/><w:sz w:val="32"/></w:rPr></w:style>'
          '<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/>'
          '<w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:outlineLvl w:val="1"/>'
          '</w:pPr><w:rPr><w:b/><w:sz w:val="28"/></w:rPr></w:style></w:styles>')


def docx(body, footnotes=None, endnotes=None, comment_texts=None, document=None, header=None,
         footer=None):
    """A Word document whose body is BODY (paragraphs and tables)."""
    parts = [('word/styles.xml', STYLES, 'styles')]
    if header is not None:
        parts.append(('word/header1.xml', f'{XML}<w:hdr {NAMESPACES}>{p(r(header))}</w:hdr>',
                      'header'))
    if footer is not None:
        parts.append(('word/footer1.xml', f'{XML}<w:ftr {NAMESPACES}>{p(r(footer))}</w:ftr>',
                      'footer'))
    if footnotes is not None:
        parts.append(('word/footnotes.xml', notes('footnote', footnotes), 'footnotes'))
    if endnotes is not None:
        parts.append(('word/endnotes.xml', notes('endnote', endnotes), 'endnotes'))
    if comment_texts is not None:
        parts.append(('word/comments.xml', comments(comment_texts), 'comments'))
    types = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
             '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
             'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
             '<Override PartName="/word/document.xml" ContentType="application/vnd.'
             'openxmlformats-officedocument.wordprocessingml.document.main+xml"/>')
    for name, _, kind in parts:
        types += (f'<Override PartName="/{name}" ContentType="application/vnd.openxmlformats-'
                  f'officedocument.wordprocessingml.{kind}+xml"/>')
    types += '</Types>'
    rels = (XML + '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="' + REL + 'officeDocument" '
            'Target="word/document.xml"/></Relationships>')
    doc_rels = XML + ('<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                      'relationships">')
    for i, (name, _, kind) in enumerate(parts, 1):
        doc_rels += (f'<Relationship Id="rId{i}" Type="{REL}{kind}" '
                     f'Target="{name[len("word/"):]}"/>')
    doc_rels += '</Relationships>'
    if document is None:
        document = (f'{XML}<w:document {NAMESPACES}><w:body>{"".join(body)}'
                    '<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>')
    return [('[Content_Types].xml', types), ('_rels/.rels', rels),
            ('word/document.xml', document), ('word/_rels/document.xml.rels', doc_rels)] + \
        [(name, text) for name, text, _ in parts]


FOOTNOTE_REF = ('<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                '<w:footnoteReference w:id="1"/></w:r>')
ENDNOTE_REF = ('<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
               '<w:endnoteReference w:id="1"/></w:r>')

# The draft every output format is tested on: a heading, a phrase split by
# formatting, a tab, a table whose cells keep words apart, a footnote, an
# endnote, a comment, an empty paragraph and characters beyond ASCII.
DRAFT_DOCX = docx(
    [p(r('Our plan to '), r('empower', bold=True), r(' people'), style='Heading1'),
     p(r('We will work with '), r('service', bold=True), r(' users'), r(' and carers.')),
     p(r('Ward 3'), '<w:r><w:tab/></w:r>', r('bed blocking fell.'),
       ppr='<w:tabs><w:tab w:val="left" w:pos="1440"/></w:tabs>'),
     tbl([p(r('service')), p(r('users'))], [p(r('Commissioning plans')), p()]),
     p(r('Our '), '<w:commentRangeStart w:id="0"/>', r('partners'), '<w:commentRangeEnd w:id="0"/>',
       '<w:r><w:commentReference w:id="0"/></w:r>', r(' agree.'), FOOTNOTE_REF, ENDNOTE_REF),
     p(),
     p(r('Café owners and service users meet—here.'))],
    footnotes=['The service users forum, 2024.'],
    endnotes=['Bed blocking figures from the trust.'],
    comment_texts=['Say who the service users are.'],
    header='Our service users strategy',
    footer='Draft, page 1')

# A phrase split across runs in every way Word splits them.
SPLIT_DOCX = docx(
    [p(r('We asked '), r('service', bold=True), r(' users'), r(' again.')),
     p(r('We asked '), r('serv'), r('ice us', italic=True), r('ers'), r('.')),
     p(r('We '), '<w:proofErr w:type="spellStart"/>', r('empow'), '<w:proofErr w:type="spellEnd"/>',
       '<w:bookmarkStart w:id="0" w:name="here"/>', r('er', bold=True), '<w:bookmarkEnd w:id="0"/>',
       r(' people.')),
     p(r('Read about '), '<w:hyperlink r:id="rId9" w:history="1">', r('service'), '</w:hyperlink>',
       r(' users'), r(' online.')),
     p(r('Changes: '), '<w:ins w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">', r('service'),
       '</w:ins>', r(' users'), r('.')),
     p(r('service')),
     p(r('users'))])

# Field codes, deleted text and the fallback copy of a text box are not
# checked; a field's result and the text box itself are.
FIELDS_DOCX = docx(
    [p(r('See '), '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
       '<w:r><w:instrText xml:space="preserve"> HYPERLINK "https://example.org/" \\o "service users" </w:instrText></w:r>',
       '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r('the empowerment guide'),
       '<w:r><w:fldChar w:fldCharType="end"/></w:r>', r('.')),
     p(r('Nested: '), '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
       '<w:r><w:instrText xml:space="preserve"> IF </w:instrText></w:r>',
       '<w:r><w:fldChar w:fldCharType="begin"/></w:r>',
       '<w:r><w:instrText xml:space="preserve"> DOCPROPERTY Audience </w:instrText></w:r>',
       '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r('service users'),
       '<w:r><w:fldChar w:fldCharType="end"/></w:r>',
       '<w:r><w:instrText xml:space="preserve"> = "x" "a" "b" </w:instrText></w:r>',
       '<w:r><w:fldChar w:fldCharType="separate"/></w:r>', r('bed blocking'),
       '<w:r><w:fldChar w:fldCharType="end"/></w:r>', r(' ends.')),
     p(r('Title: '), '<w:fldSimple w:instr=" DOCPROPERTY Title ">', r('Commissioning for all'),
       '</w:fldSimple>'),
     p(r('We will '), '<w:del w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z"><w:r>'
       '<w:delText>empower service users</w:delText></w:r></w:del>',
       '<w:ins w:id="3" w:author="A" w:date="2024-01-01T00:00:00Z">', r('work with people'),
       '</w:ins>', r('.'),
       '<w:moveFrom w:id="4" w:author="A" w:date="2024-01-01T00:00:00Z">',
       r(' Moved: bed blocking.'), '</w:moveFrom>'),
     p(r('A box follows.'),
       '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><wps:wsp>'
       '<wps:txbx><w:txbxContent>' + p(r('In the box: service users.')) +
       '</w:txbxContent></wps:txbx></wps:wsp></wp:anchor></w:drawing></mc:Choice>'
       '<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>' +
       p(r('In the box: service users.')) +
       '</w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>',
       r(' After the box.')),
     p(r('Comment mark: <!-- hmmm off --> service users.')),
     p(r('Shown. '), '<w:r><w:rPr><w:b/><w:vanish/></w:rPr><w:t>Hidden: service users. </w:t></w:r>',
       r('Not hidden: '), '<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>bed blocking</w:t></w:r>',
       r('.'))])

# ---- OpenDocument -----------------------------------------------------------

ODT_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
    'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
    'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3"')


def odt(body):
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {ODT_NAMESPACES}>'
               '<office:automatic-styles><style:style style:name="T1" style:family="text">'
               '<style:text-properties fo:font-weight="bold"/></style:style>'
               '</office:automatic-styles><office:body><office:text>'
               f'{"".join(body)}</office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest xmlns:manifest='
                '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">'
                '<manifest:file-entry manifest:full-path="/" manifest:version="1.3" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/>'
                '<manifest:file-entry manifest:full-path="content.xml" '
                'manifest:media-type="text/xml"/></manifest:manifest>')
    return [('mimetype', 'application/vnd.oasis.opendocument.text'),
            ('content.xml', content), ('META-INF/manifest.xml', manifest)]


DRAFT_ODT = odt([
    '<text:tracked-changes><text:changed-region text:id="ct1"><text:deletion><office:change-info>'
    '<dc:creator>A</dc:creator><dc:date>2024-01-01T00:00:00</dc:date></office:change-info>'
    '<text:p>Deleted: service users.</text:p></text:deletion></text:changed-region>'
    '</text:tracked-changes>',
    '<text:h text:outline-level="1">Our plan to <text:span text:style-name="T1">empower</text:span>'
    ' people</text:h>',
    '<text:p>We will work with <text:span text:style-name="T1">service</text:span> users'
    '<text:note text:id="ftn1" text:note-class="footnote"><text:note-citation>1</text:note-citation>'
    '<text:note-body><text:p>The service users forum, 2024.</text:p></text:note-body></text:note>'
    ' and<text:s text:c="3"/>carers.</text:p>',
    '<text:p>\n    Ward 3<text:tab/>bed    blocking\n    fell.<text:line-break/>Next line.</text:p>',
    '<table:table table:name="T"><table:table-column table:number-columns-repeated="2"/>'
    '<table:table-row><table:table-cell office:value-type="string"><text:p>service</text:p>'
    '</table:table-cell><table:table-cell office:value-type="string"><text:p>users</text:p>'
    '</table:table-cell></table:table-row></table:table>',
    '<text:p>Our <office:annotation><dc:creator>Service Users Group</dc:creator>'
    '<dc:date>2024-01-01T00:00:00</dc:date><text:p>Say who the service users are.</text:p>'
    '</office:annotation>partners<office:annotation-end/> agree.'
    '<text:note text:id="edn1" text:note-class="endnote"><text:note-citation>i</text:note-citation>'
    '<text:note-body><text:p>Bed blocking figures from the trust.</text:p></text:note-body>'
    '</text:note></text:p>',
    '<text:p/>',
    '<text:list><text:list-item><text:p>Café owners and <text:a xlink:href="https://example.org" '
    'xmlns:xlink="http://www.w3.org/1999/xlink">service</text:a> users meet.</text:p>'
    '</text:list-item></text:list>',
])

# ---- what goes where ----------------------------------------------------------

BODY_OF = dict(DRAFT_DOCX)['word/document.xml']


def damaged_checksum():
    data = bytearray(zip_bytes(DRAFT_DOCX, zipfile.ZIP_STORED))
    at = data.index(b'carers.')
    data[at] = ord('C')  # the text changed, its checksum not
    return bytes(data)


def bomb():
    """A body of 24 MB of one letter: it packs to a few KB."""
    body = (f'{XML}<w:document {NAMESPACES}><w:body><w:p><w:r><w:t>' + 'a' * (24 << 20) +
            '</w:t></w:r></w:p></w:body></w:document>')
    return zip_bytes(docx([], document=body))


def renamed(members, names):
    """MEMBERS with parts renamed by NAMES (old: new), and the relationships
    that name them rewritten to match, as some editors save Word files."""
    out = []
    for name, text in members:
        for old, new in names.items():
            text = text.replace(f'Target="{old}"', f'Target="{new}"')
            text = text.replace(f'PartName="/{old}"', f'PartName="/{new}"')
        if name == 'word/_rels/document.xml.rels':
            name = 'word/_rels/' + names['word/document.xml'].split('/')[-1] + '.rels'
        out.append((names.get(name, name), text))
    return out


# The draft with its body in word/document2.xml and its footnotes in another
# folder, and a stray comments part no relationship names.
RENAMED_DOCX = renamed(DRAFT_DOCX, {'word/document.xml': 'word/document2.xml',
                                    'footnotes.xml': '../notes/footnotes.xml',
                                    'word/footnotes.xml': 'notes/footnotes.xml'})
RENAMED_DOCX = [(n, t.replace('Type="' + REL + 'comments"', 'Type="' + REL + 'people"'))
                if n.endswith('.rels') else (n, t) for n, t in RENAMED_DOCX]


def fixtures():
    """(path, bytes, is an archive to compare by its members) for every file."""
    draft = zip_bytes(DRAFT_DOCX)
    formats = ['line', 'pretty', 'json', 'sarif', 'github', 'checkstyle', 'html']
    out = [(os.path.join(CASES, f'office-format-{f}', 'draft.docx'), draft, True) for f in formats]
    out += [
        (os.path.join(CASES, 'office-fix-refused', 'draft.docx'), draft, True),
        (os.path.join(CASES, 'office-diff-refused', 'draft.docx'), draft, True),
        (os.path.join(CASES, 'office-stdin', 'stdin'), draft, True),
        (os.path.join(CASES, 'office-type-option', 'draft.bin'), draft, True),
        (os.path.join(CASES, 'office-split-runs', 'split.docx'), zip_bytes(SPLIT_DOCX), True),
        (os.path.join(CASES, 'office-relationships', 'renamed.docx'), zip_bytes(RENAMED_DOCX),
         True),
        (os.path.join(CASES, 'office-fields-deletions-boxes', 'fields.docx'),
         zip_bytes(FIELDS_DOCX), True),
        (os.path.join(CASES, 'office-odt', 'draft.odt'), zip_bytes(DRAFT_ODT), True),
        (os.path.join(CASES, 'office-odt-pretty', 'draft.odt'), zip_bytes(DRAFT_ODT), True),
        (os.path.join(CASES, 'office-folder-walk', 'drafts', 'a.docx'), zip_bytes(SPLIT_DOCX), True),
        (os.path.join(CASES, 'office-folder-walk', 'drafts', 'b.odt'), zip_bytes(DRAFT_ODT), True),
        # Word's lock file beside an open document: not a document.
        (os.path.join(CASES, 'office-folder-walk', 'drafts', '~$a.docx'),
         b'\x06Editor' + b'\x00' * 155, False),
        (os.path.join(CASES, 'office-unreadable', 'truncated.docx'),
         zip_bytes(DRAFT_DOCX, zipfile.ZIP_STORED)[:3000], False),
        (os.path.join(CASES, 'office-unreadable', 'not-a-zip.docx'),
         b'Just text about service users, saved with the wrong name.\n', False),
        (os.path.join(CASES, 'office-unreadable', 'no-body.docx'),
         zip_bytes([m for m in DRAFT_DOCX if m[0] != 'word/document.xml'], zipfile.ZIP_STORED),
         False),
        (os.path.join(CASES, 'office-unreadable', 'malformed.docx'),
         zip_bytes(docx([], document=BODY_OF.replace('</w:body>', '</w:bdy>')), zipfile.ZIP_STORED),
         False),
        (os.path.join(CASES, 'office-unreadable', 'entities.docx'),
         zip_bytes(docx([], document=XML + '<!DOCTYPE w:document [<!ENTITY a "service users">'
                        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
                        BODY_OF[len(XML):].replace('carers.', '&b;')), zipfile.ZIP_STORED),
         False),
        (os.path.join(CASES, 'office-unreadable', 'checksum.docx'), damaged_checksum(), False),
        (os.path.join(CASES, 'office-unreadable', 'bomb.docx'), bomb(), True),
        (os.path.join(CASES, 'office-unreadable', 'password.docx'),
         b'\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1' + b'\x00' * 504, False),
        (os.path.join(CASES, 'office-unreadable', 'really-odt.docx'), zip_bytes(DRAFT_ODT), True),
        (os.path.join(CASES, 'office-unreadable', 'really-docx.odt'), zip_bytes(SPLIT_DOCX), True),
        (os.path.join(CASES, 'office-unreadable', 'fine.docx'), zip_bytes(SPLIT_DOCX), True),
        (os.path.join('examples', 'strategy-draft.docx'), zip_bytes(EXAMPLE_DOCX), True),
        # The office fuzz target's seeds: whole files, and parts' XML alone.
        (os.path.join(SEEDS, 'draft.docx'), draft, True),
        (os.path.join(SEEDS, 'split.docx'), zip_bytes(SPLIT_DOCX), True),
        (os.path.join(SEEDS, 'fields.docx'), zip_bytes(FIELDS_DOCX), True),
        (os.path.join(SEEDS, 'renamed.docx'), zip_bytes(RENAMED_DOCX), True),
        (os.path.join(SEEDS, 'draft.odt'), zip_bytes(DRAFT_ODT), True),
        (os.path.join(SEEDS, 'stored.docx'), zip_bytes(SPLIT_DOCX, zipfile.ZIP_STORED), False),
        (os.path.join(SEEDS, 'document.xml'), dict(FIELDS_DOCX)['word/document.xml'].encode(),
         False),
        (os.path.join(SEEDS, 'notes.xml'), notes('footnote', ['A note.']).encode(), False),
        (os.path.join(SEEDS, 'content.xml'), dict(DRAFT_ODT)['content.xml'].encode(), False),
        (os.path.join(CASES, 'office-example-draft', 'strategy-draft.docx'),
         zip_bytes(EXAMPLE_DOCX), True),
    ]
    return out


# ---- the example draft ----------------------------------------------------------

EXAMPLE_DOCX = docx(
    [p(r('Adult Social Care Strategy 2025 to 2030'), style='Heading1'),
     p(r('Draft for comment')),
     p(r('Our vision'), style='Heading2'),
     p(r('This strategy sets out how we will '), r('empower', bold=True), r(' '),
       r('service users', bold=True), r(', carers and partners to live well in their own homes.'
                                         ' We will engage with the community and manage '
                                         'expectations about what the council can do.')),
     p(r('Going forward, our most vulnerable residents will be at the heart of everything we'
         ' do.'), FOOTNOTE_REF),
     p(r('What we will do'), style='Heading2'),
     tbl([p(r('Priority')), p(r('How'))],
         [p(r('Market shaping')), p(r('Move away from '), r('block contracts', italic=True),
                                    r(' and build a shared endeavour with providers.'))],
         [p(r('Hospital discharge')), p(r('Reduce bed blocking by sorting care packages sooner.'))]),
     p(r('You said, we did'), style='Heading2'),
     p(r('We held a listening event and gathered feedback through a survey. '),
       '<w:commentRangeStart w:id="0"/>', r('Giving people a voice'),
       '<w:commentRangeEnd w:id="0"/>', '<w:r><w:commentReference w:id="0"/></w:r>',
       r(' is a key priority.'))],
    footnotes=['Hard to reach groups were consulted on the plan.'],
    comment_texts=['Can we say who we mean by service users here?'])


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, z.read(i.filename)) for i in z.infolist()]


def main():
    check = '--check' in sys.argv[1:]
    bad = 0
    for path, data, archive in fixtures():
        full = os.path.join(ROOT, path)
        if check:
            try:
                with open(full, 'rb') as f:
                    have = f.read()
            except OSError as e:
                print(f'{path}: {e.strerror}', file=sys.stderr)
                bad += 1
                continue
            same = members(have) == members(data) if archive else have == data
            if not same:
                print(f'{path}: not what tests/office/make_fixtures.py makes', file=sys.stderr)
                bad += 1
        else:
            os.makedirs(os.path.dirname(full), exist_ok=True)
            with open(full, 'wb') as f:
                f.write(data)
    if check:
        if bad:
            print('rerun tests/office/make_fixtures.py and review the changes', file=sys.stderr)
            return 1
        print(f'office fixtures: all {len(fixtures())} as made')
    return 0


if __name__ == '__main__':
    sys.exit(main())
