//! Users, their scope, server-side sessions, API tokens and login attempts.
//! Secrets (session ids, API tokens) are stored only as SHA-256 hashes.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, Row};
use wijkregie_core::access::{Role, Scope, TokenScope};

use crate::error::{Result, StoreError};
use crate::rows;
use crate::text::{parse, parse_time, timestamp};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub role: Role,
    pub scope: Scope,
    pub totp_secret: Option<String>,
    pub active: bool,
}

pub struct NewUser<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub role: Role,
    pub scope: &'a Scope,
    pub totp_secret: Option<&'a str>,
}

pub fn hash_secret(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Emails are compared case-insensitively and without surrounding blanks.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

fn scope_codes(scope: &Scope) -> Vec<String> {
    match scope {
        Scope::Region => vec![],
        Scope::Networks(codes) => codes.iter().map(|c| c.as_str().to_owned()).collect(),
        Scope::Practice(code) => vec![code.as_str().to_owned()],
        Scope::Organization(code) => vec![code.as_str().to_owned()],
    }
}

pub async fn create_user(conn: &mut AnyConnection, new: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64> {
    let query = sqlx::query(
        "INSERT INTO app_user (email, name, password_hash, role, totp_secret, active, created_at)
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(normalize_email(new.email))
    .bind(new.name)
    .bind(new.password_hash)
    .bind(new.role.code())
    .bind(new.totp_secret.map(str::to_owned))
    .bind(timestamp(now));
    let id: i64 = rows::one(&mut *conn, query).await?.try_get("id")?;
    for code in scope_codes(new.scope) {
        sqlx::query("INSERT INTO user_scope (user_id, code) VALUES ($1, $2)")
            .bind(id)
            .bind(code)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

pub async fn user_by_email(conn: &mut AnyConnection, email: &str) -> Result<Option<User>> {
    let id: Option<i64> = rows::optional(
        &mut *conn,
        sqlx::query("SELECT id FROM app_user WHERE email = $1").bind(normalize_email(email)),
    )
    .await?
    .map(|r| r.try_get("id"))
    .transpose()?;
    match id {
        Some(id) => user(conn, id).await,
        None => Ok(None),
    }
}

pub async fn user(conn: &mut AnyConnection, id: i64) -> Result<Option<User>> {
    let Some(r) = rows::optional(
        &mut *conn,
        sqlx::query("SELECT id, email, name, password_hash, role, totp_secret, active FROM app_user WHERE id = $1")
            .bind(id),
    )
    .await?
    else {
        return Ok(None);
    };
    let role: Role = parse("app_user", "role", &r.try_get::<String, _>("role")?)?;
    let codes: Vec<String> =
        rows::all(&mut *conn, sqlx::query("SELECT code FROM user_scope WHERE user_id = $1 ORDER BY code").bind(id))
            .await?
            .into_iter()
            .map(|r| r.try_get("code"))
            .collect::<Result<_, _>>()?;
    let single = || {
        codes.first().cloned().ok_or(StoreError::Corrupt {
            table: "user_scope",
            column: "code",
            message: format!("gebruiker {id} heeft geen praktijk of organisatie"),
        })
    };
    let scope = match role {
        Role::Region => Scope::Region,
        Role::Networks => Scope::Networks(codes.iter().map(|c| parse("user_scope", "code", c)).collect::<Result<_>>()?),
        Role::Practice => Scope::Practice(parse("user_scope", "code", &single()?)?),
        Role::Organization => Scope::Organization(parse("user_scope", "code", &single()?)?),
        // Role's parser refuses the operator's code, so no stored row has it.
        Role::Operator | Role::IntakeLink => {
            return Err(StoreError::Corrupt {
                table: "app_user",
                column: "role",
                message: format!("gebruiker {id} heeft de rol van de operator, die geen account kan hebben"),
            })
        }
    };
    Ok(Some(User {
        id,
        email: r.try_get("email")?,
        name: r.try_get("name")?,
        password_hash: r.try_get("password_hash")?,
        role,
        scope,
        totp_secret: r.try_get("totp_secret")?,
        active: r.try_get::<i64, _>("active")? != 0,
    }))
}

pub async fn users(conn: &mut AnyConnection) -> Result<Vec<User>> {
    let ids: Vec<i64> = rows::all(&mut *conn, sqlx::query("SELECT id FROM app_user ORDER BY name, id"))
        .await?
        .into_iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        out.extend(user(conn, id).await?);
    }
    Ok(out)
}

pub async fn set_password_hash(conn: &mut AnyConnection, user_id: i64, hash: &str) -> Result<()> {
    sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// How far a session got in logging in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// A visitor who has not logged in; holds only a CSRF token.
    Anonymous,
    /// Password accepted, second factor still to come.
    Password,
    Complete,
}

impl Stage {
    fn code(self) -> &'static str {
        match self {
            Stage::Anonymous => "anonymous",
            Stage::Password => "password",
            Stage::Complete => "complete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id_hash: String,
    pub user_id: Option<i64>,
    pub stage: Stage,
    pub second_factor: bool,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    /// A second-factor secret shown but not yet confirmed.
    pub pending_totp_secret: Option<String>,
}

/// A session to create; `id` is the cookie value, stored only as a hash.
#[derive(Clone, Copy)]
pub struct NewSession<'a> {
    pub id: &'a str,
    pub user_id: Option<i64>,
    pub stage: Stage,
    pub second_factor: bool,
    pub csrf_token: &'a str,
    pub lifetime: Duration,
}

pub async fn create_session(conn: &mut AnyConnection, new: &NewSession<'_>, now: DateTime<Utc>) -> Result<()> {
    let NewSession { id, user_id, stage, second_factor, csrf_token, lifetime } = *new;
    sqlx::query(
        "INSERT INTO session (id_hash, user_id, stage, second_factor, csrf_token, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(hash_secret(id))
    .bind(user_id)
    .bind(stage.code())
    .bind(i64::from(second_factor))
    .bind(csrf_token)
    .bind(timestamp(now))
    .bind(timestamp(now + lifetime))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The session for a cookie value, if it exists and has not expired.
pub async fn session(conn: &mut AnyConnection, id: &str, now: DateTime<Utc>) -> Result<Option<Session>> {
    let query = sqlx::query(
        "SELECT id_hash, user_id, stage, second_factor, csrf_token, expires_at, pending_totp_secret FROM session
         WHERE id_hash = $1 AND expires_at > $2",
    )
    .bind(hash_secret(id))
    .bind(timestamp(now));
    let row = rows::optional(&mut *conn, query).await?;
    row.map(|r| {
        let stage = match r.try_get::<String, _>("stage")?.as_str() {
            "password" => Stage::Password,
            "complete" => Stage::Complete,
            _ => Stage::Anonymous,
        };
        Ok(Session {
            id_hash: r.try_get("id_hash")?,
            user_id: r.try_get("user_id")?,
            stage,
            second_factor: r.try_get::<i64, _>("second_factor")? != 0,
            csrf_token: r.try_get("csrf_token")?,
            expires_at: parse_time("session", "expires_at", &r.try_get::<String, _>("expires_at")?)?,
            pending_totp_secret: r.try_get("pending_totp_secret")?,
        })
    })
    .transpose()
}

/// Remembers (or forgets, with `None`) a second-factor secret awaiting confirmation.
pub async fn set_pending_totp(conn: &mut AnyConnection, session_id_hash: &str, secret: Option<&str>) -> Result<()> {
    sqlx::query("UPDATE session SET pending_totp_secret = $1 WHERE id_hash = $2")
        .bind(secret.map(str::to_owned))
        .bind(session_id_hash)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn delete_session(conn: &mut AnyConnection, id: &str) -> Result<()> {
    sqlx::query("DELETE FROM session WHERE id_hash = $1").bind(hash_secret(id)).execute(&mut *conn).await?;
    Ok(())
}

/// Ends every session of a user except the one given (by its stored hash):
/// after a password change, a session opened with the old password must not
/// live on elsewhere.
pub async fn delete_other_sessions(conn: &mut AnyConnection, user_id: i64, keep_id_hash: &str) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM session WHERE user_id = $1 AND id_hash <> $2")
        .bind(user_id)
        .bind(keep_id_hash)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

pub async fn delete_expired_sessions(conn: &mut AnyConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM session WHERE expires_at <= $1")
        .bind(timestamp(now))
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiToken {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked: bool,
    pub expires_at: DateTime<Utc>,
    pub scope: TokenScope,
}

/// A new API token: only its hash is stored.
pub struct NewApiToken<'a> {
    pub user_id: i64,
    pub name: &'a str,
    pub token: &'a str,
    pub expires_at: DateTime<Utc>,
    pub scope: TokenScope,
}

pub async fn create_api_token(conn: &mut AnyConnection, new: &NewApiToken<'_>, now: DateTime<Utc>) -> Result<i64> {
    Ok(rows::one(
        &mut *conn,
        sqlx::query(
            "INSERT INTO api_token (user_id, name, token_hash, created_at, expires_at, scope) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(new.user_id)
        .bind(new.name)
        .bind(hash_secret(new.token))
        .bind(timestamp(now))
        .bind(timestamp(new.expires_at))
        .bind(new.scope.code()),
    )
    .await?
    .try_get("id")?)
}

/// A token that is not revoked: whose it is, what it may do and until when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenHolder {
    pub token_id: i64,
    pub user_id: i64,
    pub scope: TokenScope,
    pub expires_at: DateTime<Utc>,
}

/// The holder of a token that is not revoked, expired or not; marks the
/// token as used when it is live, at most once a minute so that a busy API
/// client does not write on every request.
pub async fn user_for_token(conn: &mut AnyConnection, token: &str, now: DateTime<Utc>) -> Result<Option<TokenHolder>> {
    let row = rows::optional(
        &mut *conn,
        sqlx::query(
            "SELECT id, user_id, last_used_at, expires_at, scope FROM api_token \
             WHERE token_hash = $1 AND revoked_at IS NULL",
        )
        .bind(hash_secret(token)),
    )
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (id, user_id): (i64, i64) = (row.try_get("id")?, row.try_get("user_id")?);
    let expires_at = parse_time("api_token", "expires_at", &row.try_get::<String, _>("expires_at")?)?;
    let scope = parse("api_token", "scope", &row.try_get::<String, _>("scope")?)?;
    let holder = TokenHolder { token_id: id, user_id, scope, expires_at };
    if expires_at <= now {
        return Ok(Some(holder));
    }
    let last_used = row
        .try_get::<Option<String>, _>("last_used_at")?
        .map(|t| parse_time("api_token", "last_used_at", &t))
        .transpose()?;
    if last_used.is_none_or(|t| now - t >= chrono::Duration::minutes(1)) {
        sqlx::query("UPDATE api_token SET last_used_at = $1 WHERE id = $2")
            .bind(timestamp(now))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(Some(holder))
}

pub async fn api_tokens(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<ApiToken>> {
    let query = sqlx::query(
        "SELECT id, user_id, name, created_at, last_used_at, revoked_at, expires_at, scope FROM api_token \
         WHERE user_id = $1 ORDER BY id",
    )
    .bind(user_id);
    rows::all(&mut *conn, query)
        .await?
        .into_iter()
        .map(|r| {
            Ok(ApiToken {
                id: r.try_get("id")?,
                user_id: r.try_get("user_id")?,
                name: r.try_get("name")?,
                created_at: parse_time("api_token", "created_at", &r.try_get::<String, _>("created_at")?)?,
                last_used_at: r
                    .try_get::<Option<String>, _>("last_used_at")?
                    .map(|t| parse_time("api_token", "last_used_at", &t))
                    .transpose()?,
                revoked: r.try_get::<Option<String>, _>("revoked_at")?.is_some(),
                expires_at: parse_time("api_token", "expires_at", &r.try_get::<String, _>("expires_at")?)?,
                scope: parse("api_token", "scope", &r.try_get::<String, _>("scope")?)?,
            })
        })
        .collect()
}

/// Revokes a token of this user; false when there is no such live token.
pub async fn revoke_api_token(
    conn: &mut AnyConnection,
    user_id: i64,
    token_id: i64,
    now: DateTime<Utc>,
) -> Result<bool> {
    Ok(sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL")
        .bind(timestamp(now))
        .bind(token_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected()
        == 1)
}

/// Ends every session of a user: after a password reset nobody may stay
/// logged in with the old password.
pub async fn delete_sessions_of(conn: &mut AnyConnection, user_id: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM session WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?.rows_affected())
}

/// Stores a password-reset token (only its hash) and voids the user's
/// earlier unused ones: only the newest link works.
pub async fn create_password_reset(
    conn: &mut AnyConnection,
    user_id: i64,
    token: &str,
    now: DateTime<Utc>,
    lifetime: Duration,
) -> Result<()> {
    sqlx::query("UPDATE password_reset SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(timestamp(now))
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO password_reset (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(hash_secret(token))
        .bind(user_id)
        .bind(timestamp(now))
        .bind(timestamp(now + lifetime))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The user a reset token belongs to, if it is unused and not expired.
pub async fn password_reset_user(conn: &mut AnyConnection, token: &str, now: DateTime<Utc>) -> Result<Option<i64>> {
    rows::optional(
        &mut *conn,
        sqlx::query("SELECT user_id FROM password_reset WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2")
            .bind(hash_secret(token))
            .bind(timestamp(now)),
    )
    .await?
    .map(|r| Ok(r.try_get("user_id")?))
    .transpose()
}

/// Uses a reset token up; false when it was already used or expired (so two
/// requests racing with one link cannot both set a password).
pub async fn use_password_reset(conn: &mut AnyConnection, token: &str, now: DateTime<Utc>) -> Result<bool> {
    Ok(sqlx::query(
        "UPDATE password_reset SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1",
    )
    .bind(timestamp(now))
    .bind(hash_secret(token))
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1)
}

/// Spent reset tokens older than `before` matter no more.
pub async fn delete_reset_records_before(conn: &mut AnyConnection, before: DateTime<Utc>) -> Result<u64> {
    let tokens = sqlx::query("DELETE FROM password_reset WHERE expires_at < $1")
        .bind(timestamp(before))
        .execute(&mut *conn)
        .await?
        .rows_affected();
    Ok(tokens)
}

/// The roles besides the regio-beheerder that must use a second factor.
pub async fn totp_required_roles(conn: &mut AnyConnection) -> Result<Vec<Role>> {
    rows::all(&mut *conn, sqlx::query("SELECT role FROM totp_policy WHERE required = 1 ORDER BY role"))
        .await?
        .iter()
        .map(|r| parse("totp_policy", "role", &r.try_get::<String, _>("role")?))
        .collect()
}

/// Requires (or not) a second factor of every user of `role`.
pub async fn set_totp_required(conn: &mut AnyConnection, role: Role, required: bool) -> Result<()> {
    sqlx::query(
        "INSERT INTO totp_policy (role, required) VALUES ($1, $2)
         ON CONFLICT (role) DO UPDATE SET required = excluded.required",
    )
    .bind(role.code())
    .bind(i64::from(required))
    .execute(&mut *conn)
    .await?;
    Ok(())
}
