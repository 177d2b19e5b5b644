//! Request plumbing shared by every operation, so that each operation's own
//! code is only what is particular to it.
//!
//! Every generated crate carries this file, less the sections its spec has
//! no use for (enum kinds, parameter styles, cookies, authentication
//! schemes, form bodies, response headers); what remains may still be used
//! only in part, hence unused items are allowed here and nowhere else.

#![allow(dead_code)]

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::Client;
use crate::error::{ApiResponse, Error, ErrorResponse};

/// Everything but RFC 3986 unreserved characters is escaped in a path
/// segment, so a value can never reach into another segment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// A credential. Its `Debug` output never shows it.
#[derive(Clone)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Where bearer tokens come from when they change (they expire, they are
/// refreshed): asked once per call; caching and refreshing are its own
/// business, not the client's.
#[derive(Clone)]
#[allow(dead_code)] // Only crates whose spec has a bearer scheme use it.
pub(crate) struct TokenSource(std::sync::Arc<dyn Fn() -> TokenFuture + Send + Sync>);

/// A token on its way.
type TokenFuture = std::pin::Pin<
    Box<dyn std::future::Future<Output = Result<String, Box<dyn std::error::Error + Send + Sync>>> + Send>,
>;

#[allow(dead_code)]
impl TokenSource {
    pub(crate) fn new<F, Fut, E>(source: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: std::future::Future<Output = Result<String, E>> + Send + 'static,
        E: Into<Box<dyn std::error::Error + Send + Sync>>,
    {
        Self(std::sync::Arc::new(move || {
            let token = source();
            Box::pin(async move { token.await.map_err(Into::into) })
        }))
    }

    pub(crate) async fn token(&self) -> Result<Secret, Box<dyn std::error::Error + Send + Sync>> {
        (self.0)().await.map(Secret::new)
    }
}

impl fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenSource(..)")
    }
}

/// `tracing::debug!` with the crate's `tracing` feature on; nothing without.
macro_rules! debug_event {
    ($($event:tt)*) => {
        #[cfg(feature = "tracing")]
        tracing::debug!($($event)*);
    };
}

/// A value written into a path segment, a query string or a header: how the
/// spec's wire format spells it.
pub(crate) trait ParamValue {
    fn to_param(&self) -> String;
}

macro_rules! display_param {
    ($($t:ty),*) => {$(
        impl ParamValue for $t {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

display_param!(String, str, bool, i32, i64, f32, f64);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::NaiveDate {
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

// part: enums
/// `PartialEq`, `Eq`, `Hash`, `PartialOrd` and `Ord` for an enum with an
/// `Unknown` fallback, all by its wire value (`$key()`), not by variant: a
/// value the next version of the API adds (and this crate then names)
/// compares as it did when it arrived as `Unknown`, and the order of the
/// values already known never moves.
///
/// Here and in the enum macros below every method is `#[inline]`, which in
/// a debug build means "compile me where I am called": machine code is made
/// only for what a program uses, in that program, where otherwise building
/// this crate would make it for every method of every enum (a large API has
/// thousands).
#[allow(unused_macros)]
macro_rules! by_wire_value {
    ($name:ident, $key:ident) => {
        impl PartialEq for $name {
            #[inline]
            fn eq(&self, other: &Self) -> bool {
                self.$key() == other.$key()
            }
        }

        impl Eq for $name {}

        impl std::hash::Hash for $name {
            fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
                self.$key().hash(state);
            }
        }

        impl PartialOrd for $name {
            #[inline]
            fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
                Some(self.cmp(other))
            }
        }

        impl Ord for $name {
            #[inline]
            fn cmp(&self, other: &Self) -> std::cmp::Ordering {
                self.$key().cmp(&other.$key())
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use by_wire_value;

// end part: enums
// part: string-enums
/// The impls of a string enum with an `Unknown(String)` fallback: its wire
/// text, parsing (never failing), `Display`, serde and parameter text.
#[allow(unused_macros)]
macro_rules! string_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as sent on the wire.
            #[inline]
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        $crate::runtime::by_wire_value!($name, as_str);

        impl From<&str> for $name {
            #[inline]
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other.to_owned()),
                }
            }
        }

        impl From<String> for $name {
            #[inline]
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($wire => Self::$variant,)*
                    _ => Self::Unknown(value),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from(value))
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                Ok(Self::from(value.as_ref()))
            }
        }

        impl $crate::runtime::ParamValue for $name {
            #[inline]
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use string_enum;

// end part: string-enums
// part: integer-enums
/// The impls of an integer enum with an `Unknown(i64)` fallback.
#[allow(unused_macros)]
macro_rules! integer_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The number sent on the wire.
            #[inline]
            pub fn value(&self) -> i64 {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => *value,
                }
            }
        }

        $crate::runtime::by_wire_value!($name, value);

        impl From<i64> for $name {
            #[inline]
            fn from(value: i64) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(other),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::num::ParseIntError;

            #[inline]
            fn from_str(value: &str) -> Result<Self, Self::Err> {
                value.parse::<i64>().map(Self::from)
            }
        }

        impl std::fmt::Display for $name {
            #[inline]
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                Ok(Self::from(<i64 as serde::Deserialize>::deserialize(deserializer)?))
            }
        }

        impl $crate::runtime::ParamValue for $name {
            #[inline]
            fn to_param(&self) -> String {
                self.value().to_string()
            }
        }
    };
}

#[allow(unused_imports)]
pub(crate) use integer_enum;

// end part: integer-enums
/// `Serialize` and `Deserialize` for a model struct as a JSON object, from
/// its fields' wire names and presence. serde's derives do the same with
/// about five times the code (an identifier enum and its visitor per
/// struct, and a visitor for JSON arrays, which never encode an object
/// here), and compiling that code is what every user of the crate pays on
/// every build. The reader gives each field's local its type up front and
/// spells `?` out as a `match`: together they cut checking an object of
/// 60 fields to about a third.
///
/// `impl Serialize for` a model sent in requests has `Deserialize` only
/// with the `serde-all` feature; `impl Deserialize for`, the other way.
/// Each field is `name: "wire" presence`:
/// - `required`: always written; reading fails without it;
/// - `optional`: an `Option`, left out when `None`; absent or `null` reads
///   as `None`;
/// - `nullable`: an `Option`, written as `null` when `None`; absent or
///   `null` reads as `None`;
/// - `absent_or_null`: a [`Nullable`], left out when `Absent`.
///
/// `..name` last names a map that takes every other property. Unknown
/// properties are otherwise skipped; of a repeated one, the last counts.
#[allow(unused_macros)]
macro_rules! json_object {
    (impl Serialize, Deserialize for $name:ident { $($fields:tt)* }) => {
        $crate::runtime::json_object!(@serialize $name { $($fields)* });
        $crate::runtime::json_object!(@deserialize $name { $($fields)* });
    };
    (impl Serialize for $name:ident { $($fields:tt)* }) => {
        $crate::runtime::json_object!(@serialize $name { $($fields)* });
        #[cfg(feature = "serde-all")]
        $crate::runtime::json_object!(@deserialize $name { $($fields)* });
    };
    (impl Deserialize for $name:ident { $($fields:tt)* }) => {
        #[cfg(feature = "serde-all")]
        $crate::runtime::json_object!(@serialize $name { $($fields)* });
        $crate::runtime::json_object!(@deserialize $name { $($fields)* });
    };
    (@serialize $name:ident {
        $($field:ident: $wire:literal $presence:ident,)* $(..$rest:ident)?
    }) => {
        impl serde::Serialize for $name {
            fn serialize<__S: serde::Serializer>(&self, serializer: __S) -> Result<__S::Ok, __S::Error> {
                use serde::ser::SerializeMap;
                // Not written to when the struct has no fields.
                #[allow(unused_mut)]
                let mut map = $crate::runtime::json_object!(@try serializer.serialize_map(None));
                $($crate::runtime::json_object!(@put $presence, map, $wire, &self.$field);)*
                $(for (key, value) in &self.$rest {
                    map.serialize_entry(key, value)?;
                })?
                map.end()
            }
        }
    };
    (@put required, $map:ident, $wire:literal, $value:expr) => {
        $crate::runtime::json_object!(@try $map.serialize_entry($wire, $value))
    };
    (@put nullable, $map:ident, $wire:literal, $value:expr) => {
        $crate::runtime::json_object!(@try $map.serialize_entry($wire, $value))
    };
    (@put optional, $map:ident, $wire:literal, $value:expr) => {
        if let Some(value) = $value {
            $crate::runtime::json_object!(@try $map.serialize_entry($wire, value))
        }
    };
    (@put absent_or_null, $map:ident, $wire:literal, $value:expr) => {
        if !$crate::runtime::Nullable::is_absent($value) {
            $crate::runtime::json_object!(@try $map.serialize_entry($wire, $value))
        }
    };
    (@deserialize $name:ident {
        $($field:ident: $wire:literal $presence:ident,)* $(..$rest:ident)?
    }) => {
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<__D: serde::Deserializer<'de>>(deserializer: __D) -> Result<Self, __D::Error> {
                // Items and generic parameters are not hygienic, unlike
                // locals: each is named as no model can be.
                struct __Object;

                impl<'de> serde::de::Visitor<'de> for __Object {
                    type Value = $name;

                    // Made into machine code only where a reader is used.
                    #[inline]
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a JSON object for `", stringify!($name), "`"))
                    }

                    fn visit_map<__A: serde::de::MapAccess<'de>>(self, mut map: __A) -> Result<$name, __A::Error> {
                        $(let mut $field = None;)*
                        $(let mut $rest = std::collections::BTreeMap::new();)?
                        // Gives each local its field's type at once (the
                        // branch never runs). Left to inference, the types
                        // settle only at the end, and rustc carries every
                        // field's pending obligations through the body.
                        #[allow(unused_variables)]
                        if let Some(object) = None::<&$name> {
                            $($crate::runtime::slot_for(&$field, &object.$field);)*
                            $($crate::runtime::same_type(&$rest, &object.$rest);)?
                        }
                        // The loop and each property's arm spelled out rather
                        // than `while let` and `Some(@try ...)`: about a
                        // twentieth less for rustc to check per object.
                        loop {
                            let key = match map.next_key::<$crate::runtime::Key<'de>>() {
                                Ok(Some(key)) => key,
                                Ok(None) => break,
                                Err(error) => return Err(error),
                            };
                            match key.as_str() {
                                $($wire => match map.next_value() {
                                    Ok(value) => $field = Some(value),
                                    Err(error) => return Err(error),
                                },)*
                                #[allow(unused_variables)]
                                other => {
                                    $crate::runtime::json_object!(@other map, other $(, $rest)?);
                                }
                            }
                        }
                        $(let $field = $crate::runtime::json_object!(@take $presence, $field, $wire, __A::Error);)*
                        Ok($name {
                            $($field,)*
                            $($rest,)?
                        })
                    }
                }

                deserializer.deserialize_map(__Object)
            }
        }
    };
    (@other $map:ident, $key:ident) => {
        $crate::runtime::json_object!(@try $map.next_value::<serde::de::IgnoredAny>());
    };
    (@other $map:ident, $key:ident, $rest:ident) => {
        std::collections::BTreeMap::insert(
            &mut $rest,
            $key.to_owned(),
            $crate::runtime::json_object!(@try $map.next_value()),
        );
    };
    // A field's value once the object is read.
    (@take required, $field:ident, $wire:literal, $error:ty) => {
        match $field {
            Some(value) => value,
            None => return Err(<$error as serde::de::Error>::missing_field($wire)),
        }
    };
    (@take optional, $field:ident, $wire:literal, $error:ty) => {
        match $field {
            Some(value) => value,
            None => None,
        }
    };
    (@take nullable, $field:ident, $wire:literal, $error:ty) => {
        match $field {
            Some(value) => value,
            None => None,
        }
    };
    (@take absent_or_null, $field:ident, $wire:literal, $error:ty) => {
        match $field {
            Some(value) => value,
            None => $crate::runtime::Nullable::Absent,
        }
    };
    // `?` without its trait machinery: the `Try` and `FromResidual`
    // obligations of each `?` are what type and borrow checking of a large
    // object spend most on, and the error types here never need converting.
    (@try $result:expr) => {
        match $result {
            Ok(value) => value,
            Err(error) => return Err(error),
        }
    };
}

#[allow(unused_imports)]
pub(crate) use json_object;

/// A property name being read: borrowed from the input where it can be.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;

        impl<'de> serde::de::Visitor<'de> for Text {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(value)))
            }

            fn visit_str<E>(self, value: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value.to_owned())))
            }

            fn visit_string<E>(self, value: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(value)))
            }
        }

        deserializer.deserialize_str(Text)
    }
}

/// Ties a field's local in [`json_object`]'s reader to the field's type.
pub(crate) fn slot_for<T>(_: &Option<T>, _: &T) {}

/// Ties the local for `..rest` in [`json_object`]'s reader to its field's type.
pub(crate) fn same_type<T>(_: &T, _: &T) {}

/// An optional property that may also be `null`: three things to say, where
/// `Option` has two. In a request, [`Absent`](Self::Absent) leaves the key
/// out (the server keeps what it has), [`Null`](Self::Null) sends `null`
/// (clears it), [`Value`](Self::Value) sends the value; a response says
/// which it was. `Nullable::from(value)` and [`value`](Self::value) cover
/// the common case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not there: left out of requests.
    #[default]
    Absent,
    /// Explicitly `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is left out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Nullable::Absent)
    }

    /// Whether the property is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Nullable::Null)
    }

    /// The value, if there is one (absent and `null` are both `None`).
    pub fn value(&self) -> Option<&T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Takes the value, if there is one.
    pub fn into_value(self) -> Option<T> {
        match self {
            Nullable::Value(v) => Some(v),
            Nullable::Absent | Nullable::Null => None,
        }
    }

    /// Takes the value, if there is one, as an `Option` (absent and `null`
    /// are both `None`): the same as [`into_value`](Self::into_value).
    pub fn into_option(self) -> Option<T> {
        self.into_value()
    }

    /// `Some(v)` is the value, `None` is `null`.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Nullable::Null, Nullable::Value)
    }

    /// A reference to the value, keeping absent and `null` apart.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// A mutable reference to the value, keeping absent and `null` apart.
    pub fn as_mut(&mut self) -> Nullable<&mut T> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(v),
        }
    }

    /// Maps the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Nullable<U> {
        match self {
            Nullable::Absent => Nullable::Absent,
            Nullable::Null => Nullable::Null,
            Nullable::Value(v) => Nullable::Value(f(v)),
        }
    }

    /// The value, or `default` when absent or `null`.
    pub fn unwrap_or(self, default: T) -> T {
        self.into_value().unwrap_or(default)
    }

    /// The value, or `T`'s default when absent or `null`.
    pub fn unwrap_or_default(self) -> T
    where
        T: Default,
    {
        self.into_value().unwrap_or_default()
    }
}

/// `Some(v)` is the value and `None` is `null`, as
/// [`Nullable::from_option`] says: a request that passes an `Option` clears
/// the property with `None`.
impl<T> From<Option<T>> for Nullable<T> {
    fn from(value: Option<T>) -> Self {
        Nullable::from_option(value)
    }
}

impl<T: std::ops::Deref> Nullable<T> {
    /// The value, dereferenced (`Option<&str>` for a `Nullable<String>`).
    pub fn as_deref(&self) -> Option<&T::Target> {
        self.value().map(|v| &**v)
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Nullable::Value(value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Nullable::Value(v) => v.serialize(serializer),
            // Absent fields are skipped before this is asked.
            Nullable::Absent | Nullable::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Nullable<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A missing key never gets here: fields default to `Absent`.
        Option::<T>::deserialize(deserializer).map(Nullable::from_option)
    }
}

// part: response-headers
/// A documented response header, parsed; `None` when absent or unreadable.
pub(crate) fn header_value<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<T> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// A list-valued response header: comma-separated items, over one or more
/// header lines; `None` when absent or when an item is unreadable.
pub(crate) fn header_values<T: std::str::FromStr>(headers: &HeaderMap, name: &str) -> Option<Vec<T>> {
    let mut lines = headers.get_all(name).iter().peekable();
    lines.peek()?;
    let mut items = Vec::new();
    for line in lines {
        for item in line.to_str().ok()?.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            items.push(item.parse().ok()?);
        }
    }
    Some(items)
}

// end part: response-headers
/// A value of a `oneOf`/`anyOf` type as parameter text: what it serializes
/// to, strings bare and anything else as JSON.
pub(crate) fn json_param(value: &impl Serialize) -> String {
    serde_json::to_value(value).map(|v| plain(&v)).unwrap_or_default()
}

/// A parameter value of a type the settings put in place, from what it
/// serializes to: strings bare, anything else as JSON.
#[allow(dead_code)] // Only crates with such a parameter use it.
pub(crate) fn serialized_param(value: Result<serde_json::Value, serde_json::Error>) -> String {
    value.map(|v| plain(&v)).unwrap_or_default()
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

// part: objects
/// How an object goes into a query string.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ObjectStyle {
    /// `name[key]=value`.
    DeepObject,
    /// `key=value` (form, exploded).
    Exploded,
    /// `name=key,value` (form, not exploded).
    Joined,
}

/// `deepObject` pairs for a value under `prefix`, nested objects included.
fn deep_pairs(prefix: &str, value: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, v) in map.iter().filter(|(_, v)| !v.is_null()) {
                deep_pairs(&format!("{prefix}[{key}]"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            out.extend(items.iter().map(|v| (prefix.to_string(), plain(v))));
        }
        other => out.push((prefix.to_string(), plain(other))),
    }
}

// end part: objects
/// A request body that can break the spec's constraints: it finds the
/// first place that does.
#[allow(dead_code)] // Only crates whose spec bounds a body's fields use it.
pub(crate) trait Check {
    /// Checks `self`, found at `at` (`body.members[2]`).
    fn check(&self, at: &str, checks: &mut Checks);
}

/// The first constraint a body breaks, if any.
#[derive(Default)]
#[allow(dead_code)]
pub(crate) struct Checks {
    first: Option<String>,
}

#[allow(dead_code)]
impl Checks {
    pub(crate) fn fail(&mut self, reason: impl FnOnce() -> String) {
        if self.first.is_none() {
            self.first = Some(reason());
        }
    }

    /// A body field's bound, the field named as `` `body.a.b` ``.
    pub(crate) fn range(&mut self, at: &str, name: &str, value: Option<f64>, min: Option<f64>, max: Option<f64>, exclusive: (bool, bool)) {
        self.range_of(&|| format!("`{at}.{name}`"), value, min, max, exclusive);
    }

    pub(crate) fn length(&mut self, at: &str, name: &str, value: Option<&str>, min: Option<usize>, max: Option<usize>) {
        self.length_of(&|| format!("`{at}.{name}`"), value, min, max);
    }

    pub(crate) fn items(&mut self, at: &str, name: &str, count: Option<usize>, min: Option<usize>, max: Option<usize>) {
        self.items_of(&|| format!("`{at}.{name}`"), count, min, max);
    }

    pub(crate) fn unique<T: PartialEq>(&mut self, at: &str, name: &str, items: Option<&[T]>) {
        self.unique_of(&|| format!("`{at}.{name}`"), items);
    }

    /// Which members must be present together (an `anyOf`, or with
    /// `exclusive` a `oneOf`, of `required` lists): `sets` names each
    /// alternative's members and says whether all of them are set.
    pub(crate) fn presence(&mut self, at: &str, exclusive: bool, sets: &[(&str, bool)]) {
        let complete = sets.iter().filter(|(_, set)| *set).count();
        if complete == 1 || (complete > 1 && !exclusive) {
            return;
        }
        let rule = if exclusive { "exactly one" } else { "at least one" };
        let names: Vec<&str> = sets.iter().map(|(names, _)| *names).collect();
        let set = if complete == 0 { "none".to_string() } else { complete.to_string() };
        self.fail(|| format!("`{at}` must set {rule} of: {} (the spec's alternatives), but sets {set} of them", names.join("; ")));
    }

    /// The rules, for a value whatever names it (`place`).
    pub(crate) fn range_of(&mut self, place: &dyn Fn() -> String, value: Option<f64>, min: Option<f64>, max: Option<f64>, exclusive: (bool, bool)) {
        let Some(value) = value else { return };
        if let Some(min) = min.filter(|&min| value < min || (exclusive.0 && value == min)) {
            let rule = if exclusive.0 { ">" } else { "≥" };
            self.fail(|| format!("{} must be {rule} {min} (the spec's minimum), not {value}", place()));
        }
        if let Some(max) = max.filter(|&max| value > max || (exclusive.1 && value == max)) {
            let rule = if exclusive.1 { "<" } else { "≤" };
            self.fail(|| format!("{} must be {rule} {max} (the spec's maximum), not {value}", place()));
        }
    }

    /// Counted in characters, as JSON Schema counts them. The value is not
    /// repeated: it may be a secret.
    pub(crate) fn length_of(&mut self, place: &dyn Fn() -> String, value: Option<&str>, min: Option<usize>, max: Option<usize>) {
        let Some(length) = value.map(|v| v.chars().count()) else { return };
        if min.is_some_and(|min| length < min) || max.is_some_and(|max| length > max) {
            let bounds = bounds(min, max);
            self.fail(|| format!("{} must be {bounds} characters long (the spec's length bounds), not {length}", place()));
        }
    }

    /// `uniqueItems`: compared as values, pairwise (lists are short, and
    /// not every item type can be hashed or ordered).
    pub(crate) fn unique_of<T: PartialEq>(&mut self, place: &dyn Fn() -> String, items: Option<&[T]>) {
        let Some(items) = items else { return };
        let repeated = items.iter().enumerate().find_map(|(i, a)| items[..i].iter().position(|b| a == b).map(|j| (j, i)));
        if let Some((first, again)) = repeated {
            self.fail(|| format!("{} must not repeat an item (the spec's uniqueItems), but items {first} and {again} are equal", place()));
        }
    }

    pub(crate) fn items_of(&mut self, place: &dyn Fn() -> String, count: Option<usize>, min: Option<usize>, max: Option<usize>) {
        let Some(count) = count else { return };
        if min.is_some_and(|min| count < min) || max.is_some_and(|max| count > max) {
            let bounds = bounds(min, max);
            self.fail(|| format!("{} must have {bounds} items (the spec's bounds), not {count}", place()));
        }
    }
}

/// `between 1 and 5`, `at least 1`, `at most 5`.
#[allow(dead_code)] // Only crates whose spec bounds a parameter use it.
fn bounds(min: Option<usize>, max: Option<usize>) -> String {
    match (min, max) {
        (Some(min), Some(max)) => format!("between {min} and {max}"),
        (Some(min), None) => format!("at least {min}"),
        (None, Some(max)) => format!("at most {max}"),
        (None, None) => String::new(),
    }
}

/// A JSON value as query text: strings bare, everything else as JSON.
fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// part: lists
/// How a list goes into a query string.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ListStyle {
    /// `a=1&a=2`.
    Exploded,
    /// `a=1,2` (and `|` or space for the other OpenAPI styles).
    Joined(&'static str),
}

// end part: lists
/// A request under construction. Problems found while building it (a header
/// value with a line break, say) are kept and reported by [`Request::send`],
/// so operations need no error handling until then.
pub(crate) struct Request<'c> {
    client: &'c Client,
    /// The response is read as items over time: no per-attempt timeout
    /// after the head (an idle limit between items instead).
    streamed: bool,
    operation: &'static str,
    method: Method,
    path: String,
    query: Vec<(Cow<'static, str>, String)>,
    headers: HeaderMap,
    body: Option<AttachBody>,
    invalid: Option<String>,
    options: CallOptions,
    /// A URL the server gave (a `Link` to the next page), sent to instead
    /// of the path, within the base URL's origin.
    follow: Option<String>,
    /// The operation documents a redirect status: answer it, do not follow.
    keep_redirects: bool,
}

/// Options for one call, set with an operation builder's `with_options`:
/// they override the client's settings for that call alone, e.g.
/// `CallOptions::new().timeout(Duration::from_secs(5)).header("x-request-id",
/// "42").idempotency_key("order-7f3a")`.
#[derive(Clone, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    retry: Option<RetryPolicy>,
    headers: Vec<(String, String)>,
    idempotency_key: Option<String>,
}

impl CallOptions {
    /// No overrides: the client's settings apply.
    pub fn new() -> Self {
        Self::default()
    }

    /// Bounds each attempt of this call, instead of the client's timeout.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Bounds this whole call, retries included, instead of the client's
    /// deadline.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// Retries this call as `policy` says, instead of the client's policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Adds a header to this call (a value with a line break is refused
    /// before sending, as for every header).
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sends `Idempotency-Key: key`, and lets a POST or PATCH be retried
    /// like an idempotent method: the server can tell a retry from a new
    /// request by the key.
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }
}

impl fmt::Debug for CallOptions {
    // Header values may be credentials: only their names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("headers", &names)
            .field("idempotency_key", &self.idempotency_key.is_some())
            .finish()
    }
}

/// Puts a body (and its `Content-Type`) on the request being sent.
type AttachBody = Box<dyn FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + Send>;

impl<'c> Request<'c> {
    pub(crate) fn new(client: &'c Client, operation: &'static str, method: Method) -> Self {
        Self {
            client,
            streamed: false,
            operation,
            method,
            path: String::new(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            options: CallOptions::default(),
            body: None,
            invalid: None,
            follow: None,
            keep_redirects: false,
        }
    }

    /// Reads the response as items over time (see `ItemStream`): after the
    /// head, no per-attempt timeout and no body limit; an idle limit
    /// between items instead.
    pub(crate) fn streamed(&mut self) {
        self.streamed = true;
    }

    /// Returns a redirect as the answer instead of following it: the
    /// operation documents one, so it is typed like any other status.
    #[allow(dead_code)] // Only crates with an operation documenting a 3xx use it.
    pub(crate) fn keep_redirects(&mut self) {
        self.keep_redirects = true;
    }

    /// Sends to `link` (relative to the base URL, or absolute in the same
    /// origin) instead of the operation's path: its query is kept, and a
    /// query parameter the link lacks (an API key, say) is added.
    #[allow(dead_code)] // Only crates with an operation paged by `Link` use it.
    pub(crate) fn follow(&mut self, link: &str) {
        self.follow = Some(link.to_string());
    }

    pub(crate) fn reject(&mut self, reason: String) {
        self.invalid.get_or_insert(reason);
    }

    /// Refuses a parameter outside the spec's bounds (unless the client's
    /// checks are off): `bound` is one of [`Checks`]' rules. Not generic,
    /// and called from the rules below rather than from each operation, so
    /// that an operation's check is one plain call, not a closure of its
    /// own to compile.
    #[allow(dead_code)] // Only crates whose spec bounds a parameter use it.
    pub(crate) fn check_param(&mut self, name: &str, bound: &mut dyn FnMut(&mut Checks, &dyn Fn() -> String)) {
        if !self.client.checks_requests() {
            return;
        }
        let mut checks = Checks::default();
        bound(&mut checks, &|| format!("parameter `{name}`"));
        if let Some(reason) = checks.first {
            self.reject(reason);
        }
    }

    /// A number parameter's `minimum`/`maximum`, both inclusive (the
    /// common case, spelled short).
    #[allow(dead_code)]
    pub(crate) fn check_range(&mut self, name: &str, value: f64, min: Option<f64>, max: Option<f64>) {
        self.check_range_exclusive(name, value, min, max, (false, false));
    }

    /// A number parameter's `minimum`/`maximum`, each exclusive or not.
    #[allow(dead_code)]
    pub(crate) fn check_range_exclusive(&mut self, name: &str, value: f64, min: Option<f64>, max: Option<f64>, exclusive: (bool, bool)) {
        self.check_param(name, &mut |c, at| c.range_of(at, Some(value), min, max, exclusive));
    }

    /// A string parameter's `minLength`/`maxLength`.
    #[allow(dead_code)]
    pub(crate) fn check_length(&mut self, name: &str, value: &str, min: Option<usize>, max: Option<usize>) {
        self.check_param(name, &mut |c, at| c.length_of(at, Some(value), min, max));
    }

    /// A list parameter's `minItems`/`maxItems`, given its length.
    #[allow(dead_code)]
    pub(crate) fn check_items(&mut self, name: &str, count: usize, min: Option<usize>, max: Option<usize>) {
        self.check_param(name, &mut |c, at| c.items_of(at, Some(count), min, max));
    }

    /// A list parameter's `uniqueItems`.
    #[allow(dead_code)]
    pub(crate) fn check_unique<T: PartialEq>(&mut self, name: &str, items: &[T]) {
        self.check_param(name, &mut |c, at| c.unique_of(at, Some(items)));
    }

    /// Refuses a body that breaks the spec's constraints (unless the
    /// client's checks are off), naming where and which.
    #[allow(dead_code)]
    pub(crate) fn check_body(&mut self, body: &impl Check) {
        if !self.client.checks_requests() {
            return;
        }
        let mut checks = Checks::default();
        body.check("body", &mut checks);
        if let Some(reason) = checks.first {
            self.reject(reason);
        }
    }

    /// Appends a literal piece of the path template.
    pub(crate) fn path(&mut self, literal: &str) {
        self.path.push_str(literal);
    }

    /// Appends a path parameter as one percent-encoded segment.
    pub(crate) fn path_param(&mut self, name: &str, value: &impl ParamValue) {
        let segment = utf8_percent_encode(&value.to_param(), SEGMENT).to_string();
        self.path_segment(name, segment);
    }

    // part: lists
    /// A list path parameter (`simple` style): each item encoded, joined by
    /// commas, all in one segment.
    pub(crate) fn path_list<T: ParamValue>(&mut self, name: &str, values: &[T]) {
        let items: Vec<String> =
            values.iter().map(|v| utf8_percent_encode(&v.to_param(), SEGMENT).to_string()).collect();
        self.path_segment(name, items.join(","));
    }

    // end part: lists
    // part: json-params
    /// A structured path parameter, as its JSON text in one segment.
    pub(crate) fn path_json(&mut self, name: &str, value: &impl Serialize) {
        if let Some(text) = self.json_text(name, value) {
            self.path_param(name, &text);
        }
    }

    // end part: json-params
    /// Appends an encoded segment, refusing one that is empty or would
    /// move up or stay in the path (`.`, `..`).
    fn path_segment(&mut self, name: &str, segment: String) {
        if segment.is_empty() || segment == "." || segment == ".." {
            self.reject(format!("path parameter `{name}` cannot be {segment:?}"));
        }
        self.path.push_str(&segment);
    }

    pub(crate) fn query(&mut self, name: &'static str, value: &impl ParamValue) {
        self.query.push((name.into(), value.to_param()));
    }

    // part: lists
    pub(crate) fn query_list<T: ParamValue>(&mut self, name: &'static str, values: &[T], style: ListStyle) {
        match style {
            ListStyle::Exploded => {
                self.query.extend(values.iter().map(|v| (name.into(), v.to_param())));
            }
            ListStyle::Joined(separator) => {
                let joined: Vec<String> = values.iter().map(ParamValue::to_param).collect();
                self.query.push((name.into(), joined.join(separator)));
            }
        }
    }

    // end part: lists
    // part: objects
    /// A query parameter whose schema is an object, in the spec's style:
    /// `deepObject` is `name[key]=value`, exploded `form` is `key=value`,
    /// unexploded `form` is `name=key,value,…`.
    pub(crate) fn query_object(&mut self, name: &'static str, value: &impl Serialize, style: ObjectStyle) {
        let value = match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(map)) => map,
            Ok(_) => return self.query_json(name, value),
            Err(e) => return self.reject(format!("parameter `{name}` cannot be serialized: {e}")),
        };
        let flat = value.iter().filter(|(_, v)| !v.is_null());
        match style {
            ObjectStyle::DeepObject => {
                let mut pairs = Vec::new();
                for (key, v) in flat {
                    deep_pairs(&format!("{name}[{key}]"), v, &mut pairs);
                }
                self.query.extend(pairs.into_iter().map(|(k, v)| (Cow::Owned(k), v)));
            }
            ObjectStyle::Exploded => {
                self.query.extend(flat.map(|(k, v)| (Cow::Owned(k.clone()), plain(v))));
            }
            ObjectStyle::Joined => {
                let parts: Vec<String> = flat.flat_map(|(k, v)| [k.clone(), plain(v)]).collect();
                self.query.push((name.into(), parts.join(",")));
            }
        }
    }

    // end part: objects
    /// A query parameter whose schema is an object: sent as JSON text.
    pub(crate) fn query_json(&mut self, name: &'static str, value: &impl Serialize) {
        if let Some(text) = self.json_text(name, value) {
            self.query.push((name.into(), text));
        }
    }

    pub(crate) fn header(&mut self, name: &'static str, value: &impl ParamValue) {
        self.insert_header(name, value.to_param(), false);
    }

    // part: lists
    /// A list in a header: comma-separated (`simple` style).
    pub(crate) fn header_list<T: ParamValue>(&mut self, name: &'static str, values: &[T]) {
        let joined: Vec<String> = values.iter().map(ParamValue::to_param).collect();
        self.insert_header(name, joined.join(","), false);
    }

    // end part: lists
    // part: json-params
    /// A header whose schema is an object: sent as JSON text.
    pub(crate) fn header_json(&mut self, name: &'static str, value: &impl Serialize) {
        if let Some(text) = self.json_text(name, value) {
            self.insert_header(name, text, false);
        }
    }

    // end part: json-params
    fn json_text(&mut self, name: &str, value: &impl Serialize) -> Option<String> {
        match serde_json::to_string(value) {
            Ok(text) => Some(text),
            Err(e) => {
                self.reject(format!("parameter `{name}` cannot be serialized: {e}"));
                None
            }
        }
    }

    fn insert_header(&mut self, name: &str, value: String, sensitive: bool) {
        let name = match HeaderName::try_from(name) {
            Ok(n) => n,
            Err(_) => return self.reject(format!("`{name}` is not a valid header name")),
        };
        match HeaderValue::try_from(value) {
            Ok(mut v) => {
                v.set_sensitive(sensitive);
                self.headers.append(name, v);
            }
            // The value itself stays out of the message: it may be a secret.
            Err(_) => self.reject(format!("the value of header `{name}` contains characters a header cannot carry")),
        }
    }

    // part: cookies
    /// Appends `name=value` to the `Cookie` header.
    pub(crate) fn cookie(&mut self, name: &str, value: &impl ParamValue) {
        self.add_cookie(name, &value.to_param(), false);
    }

    /// A cookie whose schema is an object: sent as JSON text.
    pub(crate) fn cookie_json(&mut self, name: &str, value: &impl Serialize) {
        if let Some(text) = self.json_text(name, value) {
            self.add_cookie(name, &text, false);
        }
    }

    fn add_cookie(&mut self, name: &str, value: &str, sensitive: bool) {
        let encoded = utf8_percent_encode(value, SEGMENT).to_string();
        let previous = self.headers.remove(header::COOKIE);
        let pair = match previous.as_ref().and_then(|v| v.to_str().ok()) {
            Some(existing) => format!("{existing}; {name}={encoded}"),
            None => format!("{name}={encoded}"),
        };
        self.insert_header(header::COOKIE.as_str(), pair, sensitive);
    }

    // end part: cookies
    /// The media type the operation expects back.
    pub(crate) fn accept(&mut self, media_type: &'static str) {
        self.headers.insert(header::ACCEPT, HeaderValue::from_static(media_type));
    }

    pub(crate) fn bearer(&mut self, token: &Secret) {
        self.insert_header(header::AUTHORIZATION.as_str(), format!("Bearer {}", token.expose()), true);
    }

    // part: basic-auth
    pub(crate) fn basic(&mut self, user: &str, password: &Secret) {
        use base64::Engine as _;
        let raw = format!("{user}:{}", password.expose());
        let encoded = base64::engine::general_purpose::STANDARD.encode(raw);
        self.insert_header(header::AUTHORIZATION.as_str(), format!("Basic {encoded}"), true);
    }

    // end part: basic-auth
    // part: api-keys
    pub(crate) fn api_key_header(&mut self, name: &str, key: &Secret) {
        self.insert_header(name, key.expose().to_string(), true);
    }

    /// Unless the operation's own parameter of that name was given (some
    /// specs list the key as a parameter too): a key sent twice is a list.
    pub(crate) fn api_key_query(&mut self, name: &'static str, key: &Secret) {
        if !self.query.iter().any(|(given, _)| given == name) {
            self.query.push((name.into(), key.expose().to_string()));
        }
    }

    // end part: api-keys
    // part: cookies
    pub(crate) fn api_key_cookie(&mut self, name: &str, key: &Secret) {
        self.add_cookie(name, key.expose(), true);
    }

    // end part: cookies
    pub(crate) fn json(&mut self, media_type: &'static str, body: &impl Serialize) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.raw(media_type, bytes),
            Err(e) => self.reject(format!("the body cannot be serialized: {e}")),
        }
    }

    // part: form
    /// A form body as OpenAPI's default for form fields has it (`style:
    /// form, explode: true`): an array repeats its key (`Permission=a&
    /// Permission=b`), an object goes as JSON text, `null` is left out.
    pub(crate) fn form(&mut self, body: &impl Serialize) {
        let fields = match serde_json::to_value(body) {
            Ok(serde_json::Value::Object(fields)) => fields,
            Ok(_) => return self.reject("a form body must be an object".to_string()),
            Err(e) => return self.reject(format!("the body cannot be form-encoded: {e}")),
        };
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in &fields {
            match value {
                serde_json::Value::Null => {}
                serde_json::Value::Array(items) => {
                    for item in items {
                        form.append_pair(name, &plain(item));
                    }
                }
                other => {
                    form.append_pair(name, &plain(other));
                }
            }
        }
        self.raw("application/x-www-form-urlencoded", form.finish().into_bytes());
    }

    // end part: form
    pub(crate) fn raw(&mut self, media_type: &'static str, bytes: Vec<u8>) {
        self.attach(move |b| b.header(header::CONTENT_TYPE, media_type).body(bytes));
    }

    /// Sets the body: `attach` puts it on the request when it is sent.
    pub(crate) fn attach(
        &mut self,
        attach: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder + Send + 'static,
    ) {
        self.body = Some(Box::new(attach));
    }

    /// Applies a call's own options (its headers now, the rest when sent).
    pub(crate) fn options(&mut self, options: CallOptions) {
        for (name, value) in &options.headers {
            self.insert_header(name, value.clone(), false);
        }
        if let Some(key) = &options.idempotency_key {
            self.insert_header("idempotency-key", key.clone(), false);
        }
        self.options = options;
    }

    fn deadline(&self) -> Duration {
        self.options.deadline.unwrap_or_else(|| self.client.deadline())
    }

    /// Sends the request and reads the whole response, all within the
    /// deadline.
    pub(crate) async fn send(self) -> Result<Response, Failure> {
        let origin = self.origin();
        let deadline = self.deadline();
        match tokio::time::timeout(deadline, async { self.open().await?.read().await }).await {
            Ok(result) => result,
            Err(_) => Err(origin.deadline(deadline)),
        }
    }

    /// What failures of this request name (before its URL is built).
    fn origin(&self) -> Origin {
        let base = self.client.base_url().trim_end_matches('/');
        let url = url::Url::parse(&format!("{base}{}", self.path))
            .map(|u| redacted(&u))
            .unwrap_or_default();
        Origin { operation: self.operation, method: self.method.clone(), url }
    }

    /// Sends the request, retrying as the client's [`RetryPolicy`] allows,
    /// inside a `tracing` span; returns once the status and headers are in.
    pub(crate) async fn open(self) -> Result<Opened, Failure> {
        let operation = self.operation;
        if let Some(reason) = self.invalid {
            return Err(Failure::Invalid { operation, reason });
        }
        let base = self.client.base_url().trim_end_matches('/');
        let url = match &self.follow {
            Some(link) => followed(base, link),
            None => url::Url::parse(&format!("{base}{}", self.path)).map_err(|e| format!("bad URL: {e}")),
        };
        let mut url = url.map_err(|reason| Failure::Invalid { operation, reason })?;
        if !self.query.is_empty() {
            let given: Vec<String> = url.query_pairs().map(|(name, _)| name.into_owned()).collect();
            let mut pairs = url.query_pairs_mut();
            for (name, value) in self.query.iter().filter(|(name, _)| !given.iter().any(|g| g == name)) {
                pairs.append_pair(name, value);
            }
        }
        let origin = Origin { operation, method: self.method.clone(), url: redacted(&url) };
        let deadline = self.deadline();
        let retry = Retry {
            policy: self.options.retry.unwrap_or_else(|| self.client.retry_policy().clone()),
            keyed: self.options.idempotency_key.is_some(),
        };
        // The headers carrying credentials (marked so when set), whose
        // echo in a response is hidden like them.
        let secret: Vec<HeaderName> =
            self.headers.iter().filter(|(_, v)| v.is_sensitive()).map(|(n, _)| n.clone()).collect();
        let mut builder = self.client.http().request(self.method, url).headers(self.headers);
        // A stream outlives any per-attempt timeout: the deadline bounds
        // the wait for its head, an idle limit the wait between items.
        let idle = self.options.timeout.unwrap_or_else(|| self.client.timeout());
        if self.streamed {
            builder = builder.timeout(STREAM_LIFETIME);
        } else if let Some(timeout) = self.options.timeout {
            builder = builder.timeout(timeout);
        }
        if let Some(attach) = self.body {
            builder = attach(builder);
        }
        let transport = |source: reqwest::Error| origin.transport(source);
        let request = builder.build().map_err(transport)?;
        #[cfg(feature = "tracing")]
        let span = tracing::info_span!(
            "request",
            operation,
            method = %origin.method,
            url = %origin.url,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
            items = tracing::field::Empty,
        );
        #[cfg(feature = "tracing")]
        let started = std::time::Instant::now();
        let mut attempts = Attempts::default();
        let client = self.client;
        let keep_redirects = self.keep_redirects;
        let run = async {
            let mut request = request;
            let mut hops = 0;
            loop {
                let sent = Sent::of(&request);
                let response = execute(client, request, &retry, &sent.method, &transport, &mut attempts).await?;
                if keep_redirects || hops == MAX_REDIRECTS {
                    return Ok(response);
                }
                match sent.redirected(&response) {
                    Some(next) => {
                        debug_event!(status = response.status().as_u16(), "following a redirect");
                        request = next;
                        hops += 1;
                    }
                    None => return Ok(response),
                }
            }
        };
        #[cfg(feature = "tracing")]
        let run = tracing::Instrument::instrument(run, span.clone());
        let result = tokio::time::timeout(deadline, run).await;
        // Recorded whatever the outcome: a failed call's span says how far
        // it got.
        #[cfg(feature = "tracing")]
        {
            span.record("duration_ms", started.elapsed().as_millis() as u64);
            span.record("attempts", attempts.made);
            if let Some(status) = attempts.last_status {
                span.record("status", status);
            }
        }
        let mut response = match result {
            Ok(response) => response?,
            Err(_) => return Err(origin.deadline(deadline)),
        };
        hide_credentials(response.headers_mut(), &secret);
        Ok(Opened {
            origin,
            response,
            limit: self.client.max_body_size(),
            idle,
            retries: retry.policy.max_retries,
            #[cfg(feature = "tracing")]
            span,
        })
    }
}

/// How long a streamed response may last at most: a year, which no
/// per-attempt timeout should cut short (the idle limit ends a stalled one).
const STREAM_LIFETIME: Duration = Duration::from_secs(365 * 24 * 3600);

/// Marks the response headers whose values may carry the request's
/// credentials as sensitive, so that `Debug` (of a response, of an error)
/// shows `Sensitive` instead: those the request sent credentials in, those
/// that may repeat its URL with an API key in the query (`Location`,
/// `Content-Location`, `Link`, `Refresh`), and those whose name says they
/// hold a secret (`Set-Cookie`, `X-Session-Token`, …). The values stay
/// readable through `headers()`, for callers who ask for them.
fn hide_credentials(headers: &mut HeaderMap, sent: &[HeaderName]) {
    const URLS: [&str; 4] = ["location", "content-location", "link", "refresh"];
    const SECRET_WORDS: [&str; 9] =
        ["auth", "token", "secret", "key", "session", "password", "cookie", "signature", "credential"];
    for (name, value) in headers.iter_mut() {
        let lower = name.as_str();
        if sent.contains(name) || URLS.contains(&lower) || SECRET_WORDS.iter().any(|w| lower.contains(w)) {
            value.set_sensitive(true);
        }
    }
}

/// How a call is retried: the policy, and whether an idempotency key lets
/// a method that is not idempotent be retried too.
struct Retry {
    policy: RetryPolicy,
    keyed: bool,
}

/// How far a call got: attempts made and the last status seen (for the
/// request's span).
#[derive(Default)]
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
struct Attempts {
    made: u32,
    last_status: Option<u16>,
}

/// Which request a failure belongs to, as it may be shown.
#[derive(Clone)]
pub(crate) struct Origin {
    operation: &'static str,
    method: Method,
    /// Without the query string (see [`redacted`]).
    url: String,
}

impl Origin {
    pub(crate) fn operation(&self) -> &'static str {
        self.operation
    }

    fn deadline(&self, deadline: Duration) -> Failure {
        Failure::Deadline {
            operation: self.operation,
            method: self.method.clone(),
            url: self.url.clone(),
            deadline,
        }
    }

    pub(crate) fn transport(&self, source: reqwest::Error) -> Failure {
        Failure::Transport {
            operation: self.operation,
            method: self.method.clone(),
            url: self.url.clone(),
            source: source.without_url(),
        }
    }
}

/// A response whose status and headers have arrived, its body not yet.
pub(crate) struct Opened {
    pub(crate) origin: Origin,
    pub(crate) response: reqwest::Response,
    /// The most a body read into memory may hold.
    limit: usize,
    /// The longest wait for more of a streamed body.
    pub(crate) idle: Duration,
    /// How often a dropped event stream may be resumed: the retry policy's.
    pub(crate) retries: u32,
    /// The request's span, kept by a stream for its whole life.
    #[cfg(feature = "tracing")]
    pub(crate) span: tracing::Span,
}

impl Opened {
    pub(crate) fn status(&self) -> u16 {
        self.response.status().as_u16()
    }

    /// Reads the whole body, refusing one larger than the client's limit.
    pub(crate) async fn read(mut self) -> Result<Response, Failure> {
        let status = self.response.status();
        // Taken, not cloned: reading the body does not need them.
        let headers = std::mem::take(self.response.headers_mut());
        let too_large = |origin: &Origin| Failure::TooLarge { operation: origin.operation, limit: self.limit };
        if self.response.content_length().is_some_and(|n| n > self.limit as u64) {
            return Err(too_large(&self.origin));
        }
        let mut body = bytes::BytesMut::new();
        while let Some(chunk) = self.response.chunk().await.map_err(|e| self.origin.transport(e))? {
            if body.len() + chunk.len() > self.limit {
                return Err(too_large(&self.origin));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response { operation: self.origin.operation, status, headers, body: body.freeze() })
    }
}

/// Runs a request, retrying idempotent methods on connection failures,
/// timeouts, 429 and 503 with exponential backoff and full jitter, honouring
/// `Retry-After`; `attempts` says how far it got. The request hook runs on
/// every attempt, so a signature or nonce it adds is made afresh.
async fn execute(
    client: &Client,
    request: reqwest::Request,
    retry: &Retry,
    method: &Method,
    transport: &impl Fn(reqwest::Error) -> Failure,
    attempts: &mut Attempts,
) -> Result<reqwest::Response, Failure> {
    let policy = &retry.policy;
    let idempotent = retry.keyed
        || matches!(
            *method,
            Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
        );
    let hooked = |mut request: reqwest::Request| {
        if let Some(hook) = client.request_hook() {
            hook(&mut request);
        }
        request
    };
    loop {
        attempts.made += 1;
        let attempt = attempts.made;
        // Any method may be tried again where the server did not act on it
        // (429, 503, no connection); only an idempotent one (or one with an
        // idempotency key) after a timeout, which may have come after it did.
        let spare = if attempt <= policy.max_retries { request.try_clone() } else { None };
        let Some(next) = spare else {
            // No retry left (or possible): this attempt is the last.
            let response = client.http().execute(hooked(request)).await.map_err(transport)?;
            attempts.last_status = Some(response.status().as_u16());
            return Ok(response);
        };
        let delay = match client.http().execute(hooked(next)).await {
            Ok(response) if matches!(response.status().as_u16(), 429 | 503) => {
                attempts.last_status = Some(response.status().as_u16());
                policy.delay(attempt, retry_after(response.headers()))
            }
            Ok(response) => {
                attempts.last_status = Some(response.status().as_u16());
                return Ok(response);
            }
            Err(e) if e.is_connect() || (e.is_timeout() && idempotent) => policy.delay(attempt, None),
            Err(e) => return Err(transport(e)),
        };
        debug_event!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
        tokio::time::sleep(delay).await;
    }
}

/// The URL a `Link` names, refused unless it stays within the base URL's
/// origin: credentials go with every request, and a link is the server's
/// text, not the caller's.
fn followed(base: &str, link: &str) -> Result<url::Url, String> {
    let base = url::Url::parse(&format!("{base}/")).map_err(|e| format!("bad URL: {e}"))?;
    let next = base.join(link).map_err(|e| format!("the next page's link is not a URL: {e}"))?;
    if next.origin() != base.origin() {
        return Err(format!("the next page's link leads to another origin ({}), so it is not followed", redacted(&next)));
    }
    Ok(next)
}

/// How many redirects one call follows before answering the last one.
const MAX_REDIRECTS: u32 = 10;

/// What a redirect of a sent request needs from it. The runtime follows
/// redirects itself, not reqwest: an operation that documents a 3xx gets
/// it as a typed answer, and the others follow it.
struct Sent {
    method: Method,
    url: url::Url,
    headers: HeaderMap,
    /// The request again, body included, for a 307 or 308; `None` when the
    /// body is a stream that cannot be sent twice.
    again: Option<reqwest::Request>,
}

impl Sent {
    fn of(request: &reqwest::Request) -> Self {
        Self {
            method: request.method().clone(),
            url: request.url().clone(),
            headers: request.headers().clone(),
            again: request.try_clone(),
        }
    }

    /// The request a redirect asks for, or `None` to answer it as it is.
    /// Only redirects within the origin are followed: headers a request
    /// hook or the caller added (signatures, API keys) must not reach
    /// another host. As browsers do, a 303 (and a 301 or 302 answering a
    /// POST) becomes a GET without the body; a 307 or 308 repeats the
    /// method and body.
    fn redirected(self, response: &reqwest::Response) -> Option<reqwest::Request> {
        let status = response.status().as_u16();
        if !matches!(status, 301 | 302 | 303 | 307 | 308) {
            return None;
        }
        let location = response.headers().get(header::LOCATION)?.to_str().ok()?;
        let to = self.url.join(location).ok()?;
        if to.origin() != self.url.origin() {
            return None;
        }
        let as_get = status == 303 && self.method != Method::HEAD || matches!(status, 301 | 302) && self.method == Method::POST;
        if as_get {
            let mut request = reqwest::Request::new(Method::GET, to);
            let mut headers = self.headers;
            for name in [header::CONTENT_TYPE, header::CONTENT_LENGTH, header::CONTENT_ENCODING] {
                headers.remove(name);
            }
            *request.headers_mut() = headers;
            Some(request)
        } else {
            let mut request = self.again?;
            *request.url_mut() = to;
            Some(request)
        }
    }
}

/// A URL as `Debug` output and errors may show it: no password.
pub(crate) fn shown_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(parsed) => redacted_password(parsed),
        // Unparsable: hide anything between the scheme and an `@`.
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(start), Some(at)) if at > start => format!("{}***{}", &url[..start + 3], &url[at..]),
            _ => url.to_string(),
        },
    }
}

fn redacted_password(mut url: url::Url) -> String {
    if url.password().is_some() {
        let _ = url.set_password(Some("***"));
    }
    url.to_string()
}

/// The server's `Retry-After`, in seconds or as an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at: std::time::SystemTime = chrono::DateTime::parse_from_rfc2822(value).ok()?.into();
    // A date in the past means "now".
    Some(at.duration_since(std::time::SystemTime::now()).unwrap_or_default())
}

/// When and how often failed requests are tried again.
///
/// Only idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are
/// retried, and only after a connection failure, a timeout, `429 Too Many
/// Requests` or `503 Service Unavailable`. Delays grow exponentially from
/// `initial_backoff` with full jitter, never beyond `max_backoff`; a
/// `Retry-After` header replaces the computed delay (still capped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The delay bound before the first retry.
    pub initial_backoff: Duration,
    /// The longest any single delay may be.
    pub max_backoff: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self { max_retries: 0, ..Self::default() }
    }

    fn delay(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(wait) = retry_after {
            return wait.min(self.max_backoff);
        }
        let ceiling = self
            .initial_backoff
            .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
            .min(self.max_backoff);
        // Full jitter: anywhere in [0, ceiling], so clients spread out.
        let fraction = jitter() as f64 / u64::MAX as f64;
        ceiling.mul_f64(fraction)
    }
}

impl Default for RetryPolicy {
    /// Two retries, from 100 ms up to 10 s.
    fn default() -> Self {
        Self {
            max_retries: 2,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(10),
        }
    }
}

/// A random number from the standard library's randomly keyed hasher, which
/// is plenty for spreading retries and needs no extra dependency.
fn jitter() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    hasher.finish()
}

/// Called on every request just before it is sent (after authentication),
/// to add headers or inspect it.
pub type RequestHook = std::sync::Arc<dyn Fn(&mut reqwest::Request) + Send + Sync>;

/// The URL as it may be shown: without the query string, which can carry
/// API keys.
fn redacted(url: &url::Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    let _ = shown.set_password(None);
    shown.to_string()
}

/// A request that failed before a status could be judged; becomes an
/// [`Error`] of whatever operation made it.
pub(crate) enum Failure {
    Invalid { operation: &'static str, reason: String },
    Transport { operation: &'static str, method: Method, url: String, source: reqwest::Error },
    Decode { operation: &'static str, source: serde_json::Error, response: ApiResponse<String> },
    Deadline { operation: &'static str, method: Method, url: String, deadline: Duration },
    TooLarge { operation: &'static str, limit: usize },
}

impl<E> From<Failure> for Error<E> {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Invalid { operation, reason } => Error::InvalidRequest { operation, reason },
            Failure::Transport { operation, method, url, source } => {
                Error::Transport { operation, method, url, source }
            }
            Failure::Decode { operation, source, response } => {
                Error::Decode { operation, source, response }
            }
            Failure::Deadline { operation, method, url, deadline } => {
                Error::Deadline { operation, method, url, deadline }
            }
            Failure::TooLarge { operation, limit } => Error::BodyTooLarge { operation, limit },
        }
    }
}

/// A response read in full, waiting to be decoded as its status prescribes.
pub(crate) struct Response {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: bytes::Bytes,
}

impl Response {
    pub(crate) fn status(&self) -> u16 {
        self.status.as_u16()
    }

    /// An empty body reads as `null`: a type that takes `null` (any JSON
    /// value, an `Option`) gets it, and the rest fail as before.
    pub(crate) fn json<T: DeserializeOwned>(self) -> Result<ApiResponse<T>, Failure> {
        let body: &[u8] = if self.body.trim_ascii().is_empty() { b"null" } else { &self.body };
        match serde_json::from_slice(body) {
            Ok(value) => Ok(ApiResponse::new(self.status, self.headers, value)),
            Err(source) => Err(Failure::Decode { operation: self.operation, source, response: self.text() }),
        }
    }

    pub(crate) fn text(self) -> ApiResponse<String> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        ApiResponse::new(self.status, self.headers, text)
    }

    pub(crate) fn bytes(self) -> ApiResponse<bytes::Bytes> {
        ApiResponse::new(self.status, self.headers, self.body)
    }

    pub(crate) fn empty(self) -> ApiResponse<()> {
        ApiResponse::new(self.status, self.headers, ())
    }

    /// A documented error status: typed whatever the body holds.
    pub(crate) fn error_json<T: DeserializeOwned>(self) -> ErrorResponse<T> {
        let body = serde_json::from_slice(&self.body).map_err(|e| e.to_string());
        self.error(body)
    }

    pub(crate) fn error_text(self) -> ErrorResponse<String> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        self.error(Ok(text))
    }

    pub(crate) fn error_bytes(self) -> ErrorResponse<bytes::Bytes> {
        let bytes = self.body.clone();
        self.error(Ok(bytes))
    }

    pub(crate) fn error_empty(self) -> ErrorResponse<()> {
        self.error(Ok(()))
    }

    fn error<T>(self, body: Result<T, String>) -> ErrorResponse<T> {
        let text = String::from_utf8_lossy(&self.body).into_owned();
        ErrorResponse::new(self.status, self.headers, text, body)
    }

    /// The error for a status the spec does not document.
    pub(crate) fn unexpected<E>(self) -> Error<E> {
        let operation = self.operation;
        Error::UnexpectedStatus { operation, response: self.text() }
    }
}
