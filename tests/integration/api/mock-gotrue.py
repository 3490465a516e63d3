#!/usr/bin/env python3
# mock-gotrue.py - a stand-in for a Supabase project's auth server (GoTrue)
# for tests/integration/api/test_supabase.sh: sign-up and the password
# grant, HS256 access tokens like Supabase's (aud "authenticated", iss
# URL/auth/v1, the email claim), the anon key checked on every request.
# Loopback only; prints "listening on http://127.0.0.1:PORT".
#
#   mock-gotrue.py JWT_SECRET_FILE ANON_KEY
import base64, hashlib, hmac, json, sys, threading, time, uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

secret = open(sys.argv[1], "rb").read().strip()
anon_key = sys.argv[2]
users = {}
lock = threading.Lock()


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def token(base, user):
    now = int(time.time())
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = {"aud": "authenticated", "exp": now + 3600, "iat": now, "iss": base + "/auth/v1",
              "sub": user["id"], "email": user["email"], "role": "authenticated"}
    payload = b64url(json.dumps(claims).encode())
    sig = hmac.new(secret, (header + "." + payload).encode(), hashlib.sha256).digest()
    return header + "." + payload + "." + b64url(sig)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):
        sys.stderr.write("mock-gotrue: " + (fmt % args) + "\n")

    def answer(self, code, obj):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        try:
            req = json.loads(self.rfile.read(n) or b"{}")
        except ValueError:
            return self.answer(400, {"code": 400, "msg": "bad json"})
        if self.headers.get("apikey") != anon_key:
            return self.answer(401, {"message": "Invalid API key"})
        base = "http://%s:%d" % self.server.server_address[:2]
        email, password = req.get("email", ""), req.get("password", "")
        if self.path == "/auth/v1/signup":
            if len(password) < 6:
                return self.answer(422, {"code": 422, "error_code": "weak_password",
                                         "msg": "Password should be at least 6 characters."})
            with lock:
                if email in users:
                    return self.answer(422, {"code": 422, "error_code": "user_already_exists",
                                             "msg": "User already registered"})
                users[email] = {"id": str(uuid.uuid4()), "email": email, "password": password}
            return self.answer(200, {"id": users[email]["id"], "email": email})
        if self.path == "/auth/v1/token?grant_type=password":
            with lock:
                user = users.get(email)
            if not user or user["password"] != password:
                return self.answer(400, {"error": "invalid_grant",
                                         "error_description": "Invalid login credentials"})
            return self.answer(200, {"access_token": token(base, user), "token_type": "bearer",
                                     "expires_in": 3600, "refresh_token": "r"})
        return self.answer(404, {"msg": "not found"})


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print("listening on http://127.0.0.1:%d" % server.server_address[1], flush=True)
server.serve_forever()
