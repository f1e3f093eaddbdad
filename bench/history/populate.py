#!/usr/bin/python3
"""Fills a Lobby data folder's SQLite database (schema made by `lobby --demo`) with MESSAGES
messages in one transaction, the way a few years of use would leave it:

- 5 sites (the demo hotel and 4 more), each with staff, customers and rooms;
- CONVERSATIONS conversations: 40 % room (a guest session each), 30 % website widget (a visitor
  and a widget session each), 25 % app (a customer), 5 % direct (two staff members); the older
  half archived;
- message counts per conversation follow a Zipf law (s = 0.8): most conversations are short,
  the busiest one (an app chat of the demo hotel) has a few percent of all messages; messages of
  all conversations interleave in time (ids follow time), over the last two years;
- senders: the guest/visitor/customer side, the handling staff member, the assistant (widget);
- what ChatService would have written besides: a read receipt and last-read pointer for every
  sender at their message, participants, each conversation's last message and preview.

    populate.py DATABASE [MESSAGES [CONVERSATIONS]]

Prints one line: what it inserted and the id and size of the busiest demo-hotel conversation.
"""
import random
import sqlite3
import sys
import time
import uuid

database = sys.argv[1]
total_messages = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
total_conversations = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
rng = random.Random(8)
now_ms = int(time.time() * 1000)
start_ms = now_ms - 2 * 365 * 24 * 3600 * 1000

db = sqlite3.connect(database, isolation_level=None)
db.execute("PRAGMA foreign_keys=ON")
db.execute("BEGIN")


def next_id(table):
    return db.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}").fetchone()[0]


password_hash = db.execute("SELECT password_hash FROM accounts ORDER BY id LIMIT 1").fetchone()[0]
demo_site = db.execute("SELECT id FROM sites WHERE slug = 'hotel-killarney'").fetchone()[0]

# ---- sites, accounts, rooms
sites = [demo_site]
site_id = next_id("sites")
for i in range(4):
    db.execute("INSERT INTO sites (id, slug, name, kind, created_at) VALUES (?, ?, ?, ?, ?)",
               (site_id, f"bench-site-{i + 1}", f"Bench Hotel {i + 1}", "hotel", start_ms))
    sites.append(site_id)
    site_id += 1

staff = {s: [] for s in sites}
customers = {s: [] for s in sites}
rooms = {s: [] for s in sites}
for row in db.execute("SELECT id, site_id, kind FROM accounts").fetchall():
    (staff if row[2] == "staff" else customers)[row[1]].append(row[0])
for row in db.execute("SELECT id, site_id FROM rooms").fetchall():
    rooms[row[1]].append(row[0])
account_id = next_id("accounts")
room_id = next_id("rooms")
for s in sites:
    while len(staff[s]) < 6:
        db.execute("INSERT INTO accounts (id, site_id, kind, role, email, name, job_title, "
                   "password_hash, created_at) VALUES (?, ?, 'staff', 'staff', ?, ?, ?, ?, ?)",
                   (account_id, s, f"staff{account_id}@bench.example", f"Staff {account_id}",
                    "Reception", password_hash, start_ms))
        staff[s].append(account_id)
        account_id += 1
    while len(customers[s]) < 300:
        db.execute("INSERT INTO accounts (id, site_id, kind, role, email, phone, name, "
                   "password_hash, created_at) VALUES (?, ?, 'customer', 'staff', ?, ?, ?, ?, ?)",
                   (account_id, s, f"customer{account_id}@bench.example", f"+1555{account_id:07d}",
                    f"Customer {account_id}", password_hash, start_ms))
        customers[s].append(account_id)
        account_id += 1
    number = 100
    while len(rooms[s]) < 60:
        number += 1
        if db.execute("SELECT 1 FROM rooms WHERE site_id = ? AND number = ?",
                      (s, str(number))).fetchone():
            continue
        db.execute("INSERT INTO rooms (id, site_id, number, pin_hash, created_at) "
                   "VALUES (?, ?, ?, ?, ?)", (room_id, s, str(number), password_hash, start_ms))
        rooms[s].append(room_id)
        room_id += 1

# ---- conversations: who is on the guest side, who handles it
conversation_id = next_id("conversations")
visitor_id = next_id("visitors")
widget_session_id = next_id("widget_sessions")
guest_session_id = next_id("guest_sessions")
conversations = []  # dicts
for n in range(total_conversations):
    # The busiest conversations (the first ones, see the weights below) are the demo hotel's.
    s = demo_site if n < 20 or rng.random() < 0.4 else rng.choice(sites[1:])
    draw = rng.random()
    kind = "app" if n == 0 else ("room" if draw < 0.40 else "widget" if draw < 0.70
                                 else "app" if draw < 0.95 else "direct")
    handler = rng.choice(staff[s])
    c = {"id": conversation_id, "site": s, "kind": kind, "handler": handler, "room": None,
         "title": "", "staff": ("staff", handler)}
    if kind == "room":
        c["room"] = rng.choice(rooms[s])
        c["title"] = "Room %s" % db.execute("SELECT number FROM rooms WHERE id = ?",
                                            (c["room"],)).fetchone()[0]
        c["side"] = ("guest", guest_session_id)
        c["guest_session"] = guest_session_id
        guest_session_id += 1
    elif kind == "widget":
        c["title"] = "Website visitor"
        c["side"] = ("visitor", visitor_id)
        c["widget"] = (widget_session_id, visitor_id)
        visitor_id += 1
        widget_session_id += 1
    elif kind == "app":
        customer = rng.choice(customers[s])
        c["title"] = f"Chat with Customer {customer}"
        c["side"] = ("customer", customer)
    else:
        other = rng.choice([a for a in staff[s] if a != handler])
        c["title"] = ""
        c["side"] = ("staff", other)
    conversations.append(c)
    conversation_id += 1

# Zipf weights, then each message picks its conversation: conversations interleave in time.
weights = [1.0 / (k + 1) ** 0.8 for k in range(total_conversations)]
picks = rng.choices(range(total_conversations), weights=weights, k=total_messages)

phrases = ["Hi, could we get two extra towels please?", "Sure, on their way!",
           "What time is breakfast served tomorrow?", "Breakfast is from 7:00 to 10:30.",
           "Is late check-out possible on Sunday?", "Yes, until 13:00 at no charge.",
           "The Wi-Fi in room keeps dropping.", "Sorry about that, a technician is coming up.",
           "Can you book a table for four at 20:00?", "Done: table for four at 20:00, see you!",
           "Thanks a lot 😊", "You're welcome.",
           "Do you have a parking space for a van?", "We do, behind the hotel; ask for a pass.",
           "Could I move my appointment to Friday afternoon?",
           "Friday 15:30 is free, shall I book it?"]

message_id = next_id("messages")
messages = []
receipts = []
last = {}  # conversation index -> (id, preview, at)
first = {}  # conversation index -> time of its first message
last_read = {}  # (conversation index, actor) -> message id
step = (now_ms - start_ms) / total_messages
for i, k in enumerate(picks):
    c = conversations[k]
    at = start_ms + int(i * step)
    draw = rng.random()
    if c["kind"] == "widget" and draw < 0.35:
        sender = ("assistant", 0)
    elif draw < 0.55:
        sender = c["side"]
    else:
        sender = c["staff"]
    text = rng.choice(phrases)
    messages.append((message_id, c["id"], sender[0], sender[1], "text", text, at))
    if sender[0] != "assistant":
        receipts.append((c["id"], sender[0], sender[1], message_id, at))
        last_read[(k, sender)] = message_id
    last[k] = (message_id, text, at)
    first.setdefault(k, at)
    message_id += 1

for k, c in enumerate(conversations):
    last_id, preview, last_at = last.get(k, (0, "", start_ms))
    c["created"] = max(start_ms, first.get(k, now_ms) - rng.randint(1, 3600) * 1000)
    archived = 1 if last_at < start_ms + (now_ms - start_ms) * 0.5 else 0
    db.execute("INSERT INTO conversations (id, site_id, kind, title, room_id, handler_account_id, "
               "archived, last_message_id, last_message_preview, created_at, last_activity_at) "
               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (c["id"], c["site"], c["kind"], c["title"], c["room"], c["handler"], archived,
                last_id, preview[:120], c["created"], max(last_at, c["created"])))
    if c["kind"] == "room":
        db.execute("INSERT INTO guest_sessions (id, site_id, room_id, conversation_id, token_hash, "
                   "created_at, expires_at, ended_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (c["guest_session"], c["site"], c["room"], c["id"], uuid.uuid4().hex * 2,
                    c["created"], c["created"] + 7 * 86400 * 1000,
                    None if not archived else c["created"] + 5 * 86400 * 1000))
    elif c["kind"] == "widget":
        session, visitor = c["widget"]
        db.execute("INSERT INTO visitors (id, public_id, created_at, last_seen_at, metadata) "
                   "VALUES (?, ?, ?, ?, '{}')", (visitor, str(uuid.uuid4()), c["created"],
                                                 max(last_at, c["created"])))
        db.execute("INSERT INTO widget_sessions (id, public_id, visitor_id, site_id, "
                   "conversation_id, created_at, expires_at, is_active, metadata) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, 1, '{}')",
                   (session, str(uuid.uuid4()), visitor, c["site"], c["id"], c["created"],
                    c["created"] + 86400 * 1000))
    for actor in (c["side"], c["staff"]):
        db.execute("INSERT INTO participants (conversation_id, actor_kind, actor_id, joined_at, "
                   "last_read_message_id, is_active) VALUES (?, ?, ?, ?, ?, 1)",
                   (c["id"], actor[0], actor[1], c["created"], last_read.get((k, actor), 0)))

db.executemany("INSERT INTO messages (id, conversation_id, sender_kind, sender_id, type, content, "
               "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)", messages)
db.executemany("INSERT INTO read_receipts (conversation_id, reader_kind, reader_id, "
               "up_to_message_id, read_at) VALUES (?, ?, ?, ?, ?)", receipts)
db.execute("COMMIT")
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

busiest = conversations[0]
count = db.execute("SELECT COUNT(*) FROM messages WHERE conversation_id = ?",
                   (busiest["id"],)).fetchone()[0]
print(f"inserted {len(messages)} messages, {len(receipts)} read receipts, {len(conversations)} "
      f"conversations over {len(sites)} sites; busiest: conversation {busiest['id']} "
      f"({count} messages)")
db.close()
