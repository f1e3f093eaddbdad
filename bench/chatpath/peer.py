#!/usr/bin/python3
"""The peer of the full chat path benchmark: a small FastAPI chat server as it is usually written.

One uvicorn worker (uvloop, httptools, websockets), one async WebSocket endpoint on the app v1
path (/api/v1/chat/ws/chat/user?token=...), speaking the v1 frames the benchmark uses (connected,
join_chat / user_joined, leave_chat, send_message / message, ping / pong, error). sqlite3 in WAL
with synchronous=FULL, Lobby's default durability: every message is inserted and committed (one
fsync'd transaction per message) before it is broadcast to the room, the sender's socket
included, which is the sender's acknowledgement.

    /usr/bin/python3 bench/chatpath/peer.py DATA_DIR [PORT]

Prints "peer listening on http://127.0.0.1:PORT" once it accepts connections.
"""
import base64
import datetime
import json
import os
import socket
import sqlite3
import sys

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

data_dir = sys.argv[1]
port = int(sys.argv[2]) if len(sys.argv) > 2 else 0

db = sqlite3.connect(os.path.join(data_dir, "peer.sqlite3"))
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=FULL")
db.executescript(
    """
    CREATE TABLE IF NOT EXISTS chats (
        id INTEGER PRIMARY KEY, title TEXT NOT NULL, created_at TEXT NOT NULL,
        last_message_at TEXT, last_message_preview TEXT);
    CREATE TABLE IF NOT EXISTS messages (
        id INTEGER PRIMARY KEY, chat_id INTEGER NOT NULL REFERENCES chats(id),
        sender_type TEXT NOT NULL, sender_id INTEGER NOT NULL, message_type TEXT NOT NULL,
        content TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX IF NOT EXISTS messages_by_chat ON messages (chat_id, id);
    """
)
if not db.execute("SELECT 1 FROM chats WHERE id = 1").fetchone():
    db.execute("INSERT INTO chats (id, title, created_at) VALUES (1, 'Demo chat', ?)",
               (datetime.datetime.utcnow().isoformat(),))
    db.commit()

app = FastAPI()
rooms: dict[int, set[WebSocket]] = {}


def dumps(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def now() -> str:
    return datetime.datetime.utcnow().isoformat(timespec="milliseconds") + "Z"


def identity(token: str) -> int:
    # The benchmark's tokens are Lobby's JWTs; the peer takes the account id from the payload
    # without checking the signature (done once per connection, outside the measured path).
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return int(claims.get("sub", 0))
    except (IndexError, ValueError, TypeError):
        return 0


async def broadcast(chat_id: int, frame: str, skip: WebSocket | None = None) -> None:
    for ws in list(rooms.get(chat_id, ())):
        if ws is skip:
            continue
        try:
            await ws.send_text(frame)
        except Exception:  # a socket that went away
            rooms[chat_id].discard(ws)


@app.websocket("/api/v1/chat/ws/chat/{kind}")
async def chat_socket(websocket: WebSocket, kind: str, token: str = ""):
    await websocket.accept()
    participant_type = "user" if kind == "user" else "customer"
    participant_id = identity(token)
    joined: set[int] = set()
    await websocket.send_text(dumps({"type": "connected", "participant_type": participant_type,
                                     "participant_id": participant_id, "timestamp": now()}))

    async def error(text: str) -> None:
        await websocket.send_text(dumps({"type": "error", "error": text}))

    try:
        while True:
            text = await websocket.receive_text()
            try:
                frame = json.loads(text)
            except ValueError:
                await error("Invalid JSON")
                continue
            if not isinstance(frame, dict):
                await error("Invalid JSON")
                continue
            kind_ = frame.get("type")
            if kind_ == "ping":
                await websocket.send_text(dumps({"type": "pong", "timestamp": now()}))
                continue
            chat_id = frame.get("chat_id")
            if not isinstance(chat_id, int) or not db.execute(
                    "SELECT 1 FROM chats WHERE id = ?", (chat_id,)).fetchone():
                await error(f"Chat {chat_id} not found or access denied.")
                continue
            who = {"chat_id": chat_id, "participant_type": participant_type,
                   "participant_id": participant_id}
            if kind_ == "join_chat":
                joined.add(chat_id)
                rooms.setdefault(chat_id, set()).add(websocket)
                await broadcast(chat_id, dumps({"type": "user_joined", **who}), skip=websocket)
            elif kind_ == "leave_chat":
                joined.discard(chat_id)
                rooms.get(chat_id, set()).discard(websocket)
                await broadcast(chat_id, dumps({"type": "user_left", **who}))
            elif kind_ == "send_message":
                if chat_id not in joined:
                    await error(f"Join chat {chat_id} (join_chat) before send_message.")
                    continue
                content = frame.get("content")
                message_type = frame.get("message_type", "text")
                if not isinstance(content, str) or not content.strip() or len(content) > 10000:
                    await error("A message needs text (at most 10000 characters).")
                    continue
                created_at = now()
                cursor = db.execute(
                    "INSERT INTO messages (chat_id, sender_type, sender_id, message_type, "
                    "content, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    (chat_id, participant_type, participant_id, message_type, content,
                     created_at))
                db.execute("UPDATE chats SET last_message_at = ?, last_message_preview = ? "
                           "WHERE id = ?", (created_at, content[:120], chat_id))
                db.commit()  # durable (fsync'd) before anyone hears of it
                message = {
                    "id": cursor.lastrowid, "chat_id": chat_id,
                    "sender_type": participant_type, "sender_id": participant_id,
                    "sender_user_id": participant_id if participant_type == "user" else None,
                    "sender_customer_id":
                        participant_id if participant_type == "customer" else None,
                    "sender_name": f"{participant_type} {participant_id}",
                    "message_type": message_type, "content": content, "media_url": None,
                    "reply_to_message_id": None, "created_at": created_at,
                    "is_edited": False, "is_deleted": False, "read_receipts": []}
                await broadcast(chat_id, dumps({"type": "message", "chat_id": chat_id,
                                                "message": message}))
            else:
                await error(f"Unknown message type: {kind_}")
    except WebSocketDisconnect:
        pass
    finally:
        for chat_id in joined:
            rooms.get(chat_id, set()).discard(websocket)


if __name__ == "__main__":
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    print(f"peer listening on http://127.0.0.1:{listener.getsockname()[1]}", flush=True)
    config = uvicorn.Config(app, loop="uvloop", http="httptools", ws="websockets",
                            lifespan="off", log_level="warning", access_log=False)
    uvicorn.Server(config).run(sockets=[listener])
