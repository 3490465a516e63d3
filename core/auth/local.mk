# core/auth: accounts (SQLite + argon2id), Supabase (GoTrue REST), tokens (JWT HS256).
