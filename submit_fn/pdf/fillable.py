"""The blank form's AcroForm fields, completed after WeasyPrint writes them.

WeasyPrint turns each <input>, <textarea> and <select> of the blank form's HTML into a
field whose name is the control's, dots included, with no appearance and the whole form
flagged NeedAppearances, which PDF/A forbids. `complete_fields` (WeasyPrint's `finisher`)
makes them what readers and PDF/A expect:

- names as a hierarchy: `permanent_address.province` is the field `province` inside the
  field `permanent_address`, so every reader shows and reads back the same full name;
- digit boxes as comb fields (`data-comb`), one character per box; `readonly` kept;
- radio buttons whose states are named by the option's value (`/nam`), not by position;
- an empty appearance for every field, so that an empty form prints exactly as the paper
  one does, and readers draw what a person types with the field's own embedded font.
"""

from __future__ import annotations

import pydyf

COMB = 1 << 24  # field flags (ISO 32000-1, tables 221 and 228)
READ_ONLY = 1


def complete_fields(document, pdf: pydyf.PDF) -> None:
    """WeasyPrint's finisher: runs on the written PDF objects, before the file is made."""
    form = pdf.catalog.get("AcroForm")
    if form is None:
        return
    terminals = []
    for box in _inputs(document):
        widget = box.widget_annotation
        _flag(widget, box.element)
        _give_empty_appearance(pdf, widget)
        if "Parent" in widget:  # a radio button: its group is the field
            group = _object(pdf, widget["Parent"])
            _name_state_by_value(widget, box.element.get("value", ""))
            _drop(widget, "T", "TU")
            if group not in terminals:
                terminals.append(group)
        else:
            terminals.append(widget)
    for field in terminals:
        if field.get("FT") == "/Btn":
            _drop(field, "Opt")  # the states carry the values now
    form["Fields"] = _hierarchy(pdf, terminals)
    _drop(form, "NeedAppearances")


def _inputs(document) -> list:
    return [box for page in document.pages for inputs in page.forms.values() for box, _ in inputs]


def _object(pdf: pydyf.PDF, reference: bytes | str) -> pydyf.Dictionary:
    text = reference.decode() if isinstance(reference, bytes) else str(reference)
    return pdf.objects[int(text.split()[0])]


def _drop(dictionary: dict, *keys: str) -> None:
    for key in keys:
        dictionary.pop(key, None)


def _flag(widget: pydyf.Dictionary, element) -> None:
    flags = int(widget.get("Ff", 0))
    if element.get("data-comb") is not None and "MaxLen" in widget:
        flags |= COMB
    if element.get("readonly") is not None:
        flags |= READ_ONLY
    if flags:
        widget["Ff"] = flags


def _empty_stream(pdf: pydyf.PDF, widget: pydyf.Dictionary) -> bytes:
    x1, y1, x2, y2 = (float(value) for value in widget["Rect"])
    stream = pydyf.Stream(extra={"Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array((0, 0, abs(x2 - x1), abs(y2 - y1)))})
    pdf.add_object(stream)
    return stream.reference


def _give_empty_appearance(pdf: pydyf.PDF, widget: pydyf.Dictionary) -> None:
    """Text and choice fields get an empty appearance, tick boxes an empty 'Off' state."""
    if widget.get("FT") == "/Btn":
        widget["AP"]["N"]["Off"] = _empty_stream(pdf, widget)
    else:
        widget["AP"] = pydyf.Dictionary({"N": _empty_stream(pdf, widget)})


def _name_state_by_value(widget: pydyf.Dictionary, value: str) -> None:
    """WeasyPrint names a radio button's 'on' state by its position (/0, /1…); readers that
    ignore /Opt would then report the position, not the option's value."""
    states = widget["AP"]["N"]
    (position,) = [key for key in states if key != "Off"]
    name = _pdf_name(value)
    states[name] = states.pop(position)
    if widget.get("AS") == f"/{position}":
        widget["AS"] = f"/{name}"


def _pdf_name(value: str) -> str:
    """A PDF name for an option value (the schemas' values are ASCII words and hyphens)."""
    return "".join(char if char.isascii() and (char.isalnum() or char in "-_.") else f"#{ord(char):02X}" for char in value)


def _hierarchy(pdf: pydyf.PDF, terminals: list[pydyf.Dictionary]) -> pydyf.Array:
    """Fields named 'a.b.c' placed as 'c' under 'b' under 'a'; the top-level fields."""
    parents: dict[str, pydyf.Dictionary] = {}
    top = pydyf.Array()
    for field in terminals:
        *path, own = field["T"].string.split(".")
        field["T"] = pydyf.String(own)
        parent = _parent(pdf, parents, top, path)
        if parent is None:
            top.append(field.reference)
        else:
            field["Parent"] = parent.reference
            parent["Kids"].append(field.reference)
    return top


def _parent(pdf: pydyf.PDF, parents: dict, top: pydyf.Array, path: list[str]) -> pydyf.Dictionary | None:
    """The non-terminal field at `path`, made (with its own parents) the first time it is needed."""
    if not path:
        return None
    key = ".".join(path)
    if key not in parents:
        node = pydyf.Dictionary({"T": pydyf.String(path[-1]), "Kids": pydyf.Array()})
        pdf.add_object(node)
        parents[key] = node
        above = _parent(pdf, parents, top, path[:-1])
        if above is None:
            top.append(node.reference)
        else:
            node["Parent"] = above.reference
            above["Kids"].append(node.reference)
    return parents[key]
