"""Word documents as a Norwegian office expects them: A4 paper and Norwegian bokmål as the proofing language.

python-docx's default template is US Letter with en-US text, so Word marks every Norwegian word as misspelled
and prints on the wrong paper. The language is set where Word looks first, the document defaults
(``w:docDefaults/w:rPrDefault/w:rPr/w:lang``, ECMA-376 Part 1 §17.3.2.20), for Latin, East Asian and
complex-script text alike, and on every style that names a language of its own.
"""

from __future__ import annotations

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm

LANGUAGE = "nb-NO"
A4 = (Cm(21.0), Cm(29.7))


def _lang(rpr) -> None:
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        lang.set(qn(attr), LANGUAGE)


def norwegian_a4(doc) -> None:
    """A4 on every section and nb-NO as the language of the document's defaults and styles."""
    for section in doc.sections:
        section.page_width, section.page_height = A4
    doc.core_properties.language = LANGUAGE
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    _lang(rpr)
    for lang in styles.iter(qn("w:lang")):  # styles that carry a language of their own (en-US in the template)
        for attr in ("w:val", "w:eastAsia", "w:bidi"):
            if lang.get(qn(attr)) is not None:
                lang.set(qn(attr), LANGUAGE)
