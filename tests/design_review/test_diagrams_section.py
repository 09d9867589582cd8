"""The diagrams section of the design review."""

from __future__ import annotations


def test_lists_views_without_writing(example, tmp_path, monkeypatch):
    from archkit.design_review import review

    monkeypatch.chdir(tmp_path)
    r = review(example, only=["diagrams"])
    (s,) = r.sections
    assert s.id == "diagrams" and s.status == "ok"
    assert "would be drawn" in s.summary
    assert [v["view"] for v in s.data["views"]][:3] == ["logical", "deployment", "dataflow"]
    assert all(v["dot_bytes"] > 1000 for v in s.data["views"])
    assert s.data["written"] == []
    assert list(tmp_path.iterdir()) == []


def test_writes_files_into_out_dir(example, tmp_path):
    from archkit.design_review import review

    r = review(example, only=["diagrams"], out_dir=tmp_path / "diagrams")
    (s,) = r.sections
    files = sorted(p.name for p in (tmp_path / "diagrams").iterdir())
    assert "deployment.svg" in files and "deployment.png" in files
    assert len(s.data["written"]) == len(files)
