"""The lab's HTTP and websocket API through Starlette's TestClient: pages, uploads, sessions
and every refusal (token, Host, Origin, size, malformed messages, path safety)."""

from __future__ import annotations

import io
import json
import warnings

import numpy as np
import pytest

pytest.importorskip("httpx")
with warnings.catch_warnings():  # starlette 1.x prefers httpx2; httpx still works
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from trainwell.lab.server import create_app
from trainwell.lab.uploads import Uploads

TOKEN = "t0ken-for-tests"
BASE = "http://127.0.0.1:8765"


@pytest.fixture
def uploads():
    u = Uploads(limit=4096)
    yield u
    u.cleanup()


@pytest.fixture
def client(uploads):
    app = create_app(TOKEN, host="127.0.0.1", port=8765, uploads=uploads)
    with TestClient(app, base_url=BASE) as c:
        yield c


def _csv(rows: int = 40, seed: int = 0) -> bytes:
    rng = np.random.RandomState(seed)
    X = rng.randn(rows, 2)
    y = (X[:, 0] * X[:, 1] > 0).astype(int)
    out = io.StringIO()
    out.write("a,b,label\n")
    for (a, b), t in zip(X, y):
        out.write(f"{a:.5f},{b:.5f},{t}\n")
    return out.getvalue().encode()


def _ws(client, path: str, **headers):
    return client.websocket_connect(path, headers={"host": "127.0.0.1:8765", **headers})


def _until(ws, kind: str, limit: int = 200, where=lambda m: True) -> dict:
    for _ in range(limit):
        msg = json.loads(ws.receive_text())
        if msg["type"] == kind and where(msg):
            return msg
    raise AssertionError(f"no {kind!r} message in {limit}")


# ------------------------------------------------------------------ HTTP
def test_page_needs_the_token_and_carries_it_to_its_assets(client):
    ok = client.get(f"/?token={TOKEN}")
    assert ok.status_code == 200
    assert f"/static/lab.js?token={TOKEN}" in ok.text
    assert "Content-Security-Policy" in ok.headers
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get(f"/static/lab.js?token={TOKEN}").status_code == 200
    assert client.get("/static/lab.js").status_code == 403


def test_foreign_host_header_is_refused(client):
    r = client.get(f"/?token={TOKEN}", headers={"host": "evil.example:8765"})
    assert r.status_code == 403
    assert "Host" in r.text
    assert client.get(f"/?token={TOKEN}", headers={"host": "localhost:8765"}).status_code == 200
    # the right name on another port is someone else
    assert client.get(f"/?token={TOKEN}", headers={"host": "127.0.0.1:9"}).status_code == 403


@pytest.mark.parametrize(
    "name", ["../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "index.html/../../x", "server.py"]
)
def test_static_never_opens_a_client_path(client, name):
    r = client.get(f"/static/{name}?token={TOKEN}")
    assert r.status_code == 404
    assert "root:" not in r.text


def test_upload_parses_with_trainwell_loaders(client, uploads):
    r = client.post(f"/api/upload?token={TOKEN}&name=mine.csv", content=_csv())
    assert r.status_code == 200, r.text
    assert r.json() == {"name": "mine.csv", "n_examples": 40, "n_features": 2, "n_classes": 2}
    files = list(uploads.folder.iterdir())
    assert [f.suffix for f in files] == [".csv"]  # written in the temp folder, nowhere else


def test_upload_beyond_the_limit_gets_413(client):
    big = b"1,2,0\n" * 1000  # 6000 bytes > the fixture's 4096
    r = client.post(f"/api/upload?token={TOKEN}&name=big.csv", content=big)
    assert r.status_code == 413
    assert "limit" in r.json()["error"]


def test_malformed_upload_gets_a_sentence_not_a_traceback(client):
    r = client.post(f"/api/upload?token={TOKEN}&name=bad.csv", content=b"a,b,c\n1,2\nx,y,z\n")
    assert r.status_code == 400
    error = r.json()["error"]
    assert error.startswith("'bad.csv':")
    assert "Traceback" not in error and "/tmp" not in error


def test_upload_refuses_unknown_suffixes_and_pickles(client):
    r = client.post(f"/api/upload?token={TOKEN}&name=model.pkl", content=b"\x80\x04K\x01.")
    assert r.status_code == 400
    assert "CSV, NPZ or MAT" in r.json()["error"]
    buf = io.BytesIO()
    np.savez(buf, X=np.array([object()] * 4, dtype=object), y=np.arange(4))
    r = client.post(f"/api/upload?token={TOKEN}&name=obj.npz", content=buf.getvalue())
    assert r.status_code == 400


def test_upload_needs_the_token(client):
    assert client.post("/api/upload?name=a.csv", content=_csv()).status_code == 403


def test_upload_name_is_never_a_path(client, uploads):
    r = client.post(f"/api/upload?token={TOKEN}&name=../../../tmp/evil.csv", content=_csv())
    assert r.status_code == 200
    assert r.json()["name"] == "evil.csv"
    assert all(f.parent == uploads.folder for f in uploads.folder.iterdir())


# ------------------------------------------------------------------ websocket
def test_websocket_refuses_missing_token_and_foreign_origin(client):
    with pytest.raises(WebSocketDisconnect):
        with _ws(client, "/ws") as ws:
            ws.receive_text()
    with pytest.raises(WebSocketDisconnect):
        with _ws(client, f"/ws?token={TOKEN}", origin="http://evil.example") as ws:
            ws.receive_text()


def test_session_trains_and_takes_live_changes_without_reset(client):
    with _ws(client, f"/ws?token={TOKEN}", origin=BASE) as ws:
        state = _until(ws, "state")
        assert state["config"]["dataset"] == "circle"
        ws.send_text(json.dumps({"type": "control", "action": "step", "steps": 30}))
        before = _until(ws, "frame", where=lambda m: m["iteration"] == 30)
        ws.send_text(json.dumps({"type": "config", "config": {"learning_rate": 0.5, "l2": 0.1}}))
        cfg = _until(ws, "config")
        assert cfg["config"]["learning_rate"] == 0.5 and cfg["config"]["l2"] == 0.1
        ws.send_text(json.dumps({"type": "control", "action": "step"}))
        after = _until(ws, "frame", where=lambda m: m["iteration"] == 31)
        assert after["learning_rate"] == 0.5  # applied from the next step, nothing reset
        assert before["weights"] != after["weights"]


@pytest.mark.parametrize(
    "message, words",
    [
        ({"type": "config", "config": {"layers": [{"units": -3}]}}, "'units' must be in"),
        ({"type": "config", "config": {"layers": [{"units": 10**9}]}}, "'units' must be in"),
        ({"type": "config", "config": {"learning_rate": "NaN"}}, "'learning_rate'"),
        ({"type": "config", "config": {"layers": [{"activation": "swish"}]}}, "'activation'"),
        ({"type": "launch"}, "unknown message type"),
        ("{not json", "not valid JSON"),
        ("x" * 70_000, "refused"),
    ],
)
def test_bad_messages_get_an_error_and_keep_the_network(client, message, words):
    with _ws(client, f"/ws?token={TOKEN}") as ws:
        _until(ws, "state")
        ws.send_text(json.dumps({"type": "control", "action": "step", "steps": 5}))
        kept = _until(ws, "frame", where=lambda m: m["iteration"] == 5)
        ws.send_text(message if isinstance(message, str) else json.dumps(message))
        error = _until(ws, "error")
        assert words in error["message"]
        ws.send_text(json.dumps({"type": "control", "action": "step"}))
        nxt = _until(ws, "frame", where=lambda m: m["iteration"] == 6)  # same network, on
        assert len(nxt["weights"]) == len(kept["weights"])


def test_architecture_change_resets_and_says_so(client):
    with _ws(client, f"/ws?token={TOKEN}") as ws:
        _until(ws, "state")
        ws.send_text(json.dumps({"type": "control", "action": "step", "steps": 3}))
        _until(ws, "frame", where=lambda m: m["iteration"] == 3)
        layers = [{"units": 5, "activation": "relu", "batch_norm": True, "keep_prob": 0.9}]
        ws.send_text(json.dumps({"type": "config", "config": {"layers": layers}}))
        state = _until(ws, "state")
        assert state["reason"].startswith("Reset: the network changed")
        frame = _until(ws, "frame")
        assert frame["iteration"] == 0 and len(frame["units"]) == 1 and len(frame["units"][0]) == 5


def test_upload_then_choose_it_in_the_session(client):
    assert client.post(f"/api/upload?token={TOKEN}&name=d.csv", content=_csv(60)).status_code == 200
    with _ws(client, f"/ws?token={TOKEN}") as ws:
        _until(ws, "state")
        ws.send_text(json.dumps({"type": "config", "config": {"dataset": "upload"}}))
        state = _until(ws, "state", where=lambda m: m["config"]["dataset"] == "upload")
        assert state["data"]["n_train"] + state["data"]["n_dev"] == 60
        assert state["data"]["name"] == "d.csv"


def test_choosing_upload_before_any_file_is_an_error(client):
    with _ws(client, f"/ws?token={TOKEN}") as ws:
        _until(ws, "state")
        ws.send_text(json.dumps({"type": "config", "config": {"dataset": "upload"}}))
        assert "no file uploaded" in _until(ws, "error")["message"]


@pytest.mark.filterwarnings("ignore:overflow:RuntimeWarning")
def test_divergence_pauses_with_the_last_good_weights(client):
    with _ws(client, f"/ws?token={TOKEN}") as ws:
        _until(ws, "state")
        # W <- W - lr (l2 / m) W = -49 W each step: overflows within some 200 steps
        huge = {"optimizer": "gd", "learning_rate": 100.0, "l2": 100.0, "train_ratio": 0.5}
        ws.send_text(json.dumps({"type": "config", "config": huge}))
        _until(ws, "state")
        ws.send_text(json.dumps({"type": "control", "action": "play"}))
        error = _until(ws, "error", limit=2000)
        assert error["message"].startswith("Paused:")
        frame = _until(ws, "frame")
        assert frame["playing"] is False
        flat = np.concatenate([np.ravel(w) for w in frame["weights"]])
        assert np.isfinite(flat).all()


def test_outbox_coalesces_frames_but_keeps_order():
    import asyncio

    from trainwell.lab.server import Outbox

    async def go():
        box = Outbox(asyncio.get_running_loop())
        for m in ({"type": "frame", "i": 1}, {"type": "frame", "i": 2}, {"type": "error"},
                  {"type": "frame", "i": 3}, {"type": "frame", "i": 4}):  # fmt: skip
            box._put(m)
        return await box.take()

    got = asyncio.run(go())
    assert [(m["type"], m.get("i")) for m in got] == [
        ("frame", 2),
        ("error", None),
        ("frame", 4),
    ]


def test_a_command_line_file_is_the_starting_data(tmp_path):
    from trainwell.lab.protocol import check_config

    p = tmp_path / "given.csv"
    p.write_bytes(_csv(30))
    u = Uploads()
    try:
        u.use_file(p)
        app = create_app(
            TOKEN, port=8765, uploads=u, initial_config=check_config({"dataset": "upload"})
        )
        with TestClient(app, base_url=BASE) as c, _ws(c, f"/ws?token={TOKEN}") as ws:
            state = _until(ws, "state")
            assert state["data"]["name"] == "given.csv"
            assert state["data"]["n_train"] + state["data"]["n_dev"] == 30
    finally:
        u.cleanup()
