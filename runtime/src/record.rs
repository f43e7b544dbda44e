//! Serde for the generated structs ("records"), as one generic visitor here.
//!
//! serde's derive writes a field enum, its visitor, a sequence visitor and a
//! map visitor into every struct: most of what the compiler reads (and
//! re-expands on every rebuild) in a generated client. [`record!`](crate::record!) writes
//! instead a table of wire names and two short functions per struct; the
//! loop over keys, duplicate and missing field errors, and unknown keys live
//! here once.
//!
//! On the wire it behaves like `#[derive(Serialize, Deserialize)]` with the
//! attributes the generator used to write: fields in declaration order,
//! `optional` fields skipped when `None`, `nullable` fields written as `null`,
//! a missing `Option` field read as `None`, unknown keys ignored (or kept in
//! the extra map), and duplicate keys an error. Unlike the derive, a struct
//! is not read from a JSON array.

use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::ser::{SerializeMap, SerializeStruct, Serializer};
use serde::{Deserialize, Serialize};

/// A generated struct read through [`deserialize`]; implemented by [`record!`](crate::record!).
pub trait Record: Sized {
    /// The Rust name, for "expected struct ..." errors.
    const NAME: &'static str;
    /// Wire names of the named fields, in declaration order.
    const FIELDS: &'static [&'static str];
    /// The position in [`Record::FIELDS`] of a wire name (a `match`, which
    /// the compiler makes faster than a search of the table).
    fn index(key: &str) -> Option<usize>;
    /// Whether keys not in [`Record::FIELDS`] are kept (additional properties).
    const KEEPS_EXTRA: bool;
    /// Fields as read so far.
    type Slots;
    /// Slots with nothing read.
    fn start() -> Self::Slots;
    /// Reads the value of field `index` (into [`Record::FIELDS`]).
    fn read<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// Reads the value of a key that is not a named field; only called when
    /// [`Record::KEEPS_EXTRA`].
    fn read_extra<'de, A: MapAccess<'de>>(
        slots: &mut Self::Slots,
        key: String,
        map: &mut A,
    ) -> Result<(), A::Error>;
    /// The struct, or the first required field that was missing.
    fn finish<E: de::Error>(slots: Self::Slots) -> Result<Self, E>;
}

/// Reads a [`Record`] from a map.
pub fn deserialize<'de, T: Record, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    let visitor = RecordVisitor::<T>(PhantomData);
    if T::KEEPS_EXTRA {
        deserializer.deserialize_map(visitor)
    } else {
        deserializer.deserialize_struct(T::NAME, T::FIELDS, visitor)
    }
}

struct RecordVisitor<T>(PhantomData<T>);

impl<'de, T: Record> Visitor<'de> for RecordVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut slots = T::start();
        let mut seen = Seen::new(T::FIELDS.len());
        let seed = KeySeed::<T>(PhantomData);
        while let Some(key) = map.next_key_seed(seed)? {
            match key {
                Key::Field(i) => {
                    if !seen.insert(i) {
                        return Err(de::Error::duplicate_field(T::FIELDS[i]));
                    }
                    T::read(&mut slots, i, &mut map)?;
                }
                Key::Other(Some(key)) => T::read_extra(&mut slots, key, &mut map)?,
                Key::Other(None) => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        T::finish(slots)
    }
}

/// Which fields were read: bits on the stack for the usual struct, a vector
/// for very wide ones.
enum Seen {
    Bits(u128),
    Wide(Vec<bool>),
}

impl Seen {
    fn new(fields: usize) -> Seen {
        if fields <= 128 {
            Seen::Bits(0)
        } else {
            Seen::Wide(vec![false; fields])
        }
    }

    /// Marks `i`; false when it was already marked.
    fn insert(&mut self, i: usize) -> bool {
        match self {
            Seen::Bits(bits) => {
                let bit = 1u128 << i;
                let fresh = *bits & bit == 0;
                *bits |= bit;
                fresh
            }
            Seen::Wide(seen) => !std::mem::replace(&mut seen[i], true),
        }
    }
}

/// A key of the map: a named field's index, or another key (kept as a
/// string only when the record keeps extras).
enum Key {
    Field(usize),
    Other(Option<String>),
}

/// Reads a key, as [`Record::index`] finds it.
struct KeySeed<T>(PhantomData<T>);

impl<T> Clone for KeySeed<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for KeySeed<T> {}

impl<T: Record> KeySeed<T> {
    fn key(self, name: &str) -> Key {
        match T::index(name) {
            Some(i) => Key::Field(i),
            None => Key::Other(T::KEEPS_EXTRA.then(|| name.to_owned())),
        }
    }
}

impl<'de, T: Record> DeserializeSeed<'de> for KeySeed<T> {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<'de, T: Record> Visitor<'de> for KeySeed<T> {
    type Value = Key;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(self.key(v))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
        Ok(self.key(&String::from_utf8_lossy(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        // Formats that number fields, as the derive accepts.
        Ok(match usize::try_from(v) {
            Ok(i) if i < T::FIELDS.len() => Key::Field(i),
            _ => Key::Other(T::KEEPS_EXTRA.then(|| v.to_string())),
        })
    }
}

/// Writes a [`Record`]; made by [`Writer::new`] in the generated `Serialize`.
pub struct Writer<S: Serializer>(Out<S>);

enum Out<S: Serializer> {
    Struct(S::SerializeStruct),
    Map(S::SerializeMap),
}

impl<S: Serializer> Writer<S> {
    /// Starts a struct of `fields` named fields; `extra` when it has
    /// additional properties (then it is written as a map).
    pub fn new(
        serializer: S,
        name: &'static str,
        fields: usize,
        extra: bool,
    ) -> Result<Self, S::Error> {
        Ok(Writer(if extra {
            Out::Map(serializer.serialize_map(None)?)
        } else {
            Out::Struct(serializer.serialize_struct(name, fields)?)
        }))
    }

    fn field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        match &mut self.0 {
            Out::Struct(s) => s.serialize_field(key, value),
            Out::Map(m) => m.serialize_entry(key, value),
        }
    }

    fn skip(&mut self, key: &'static str) -> Result<(), S::Error> {
        match &mut self.0 {
            Out::Struct(s) => s.skip_field(key),
            Out::Map(_) => Ok(()),
        }
    }

    /// Writes the additional properties after the named fields.
    pub fn extra<V: Serialize>(
        &mut self,
        extra: &std::collections::BTreeMap<String, V>,
    ) -> Result<(), S::Error> {
        match &mut self.0 {
            Out::Map(m) => extra.iter().try_for_each(|(k, v)| m.serialize_entry(k, v)),
            Out::Struct(_) => Ok(()),
        }
    }

    /// Ends the struct.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        match self.0 {
            Out::Struct(s) => s.end(),
            Out::Map(m) => m.end(),
        }
    }
}

/// A field that must be present (and is not `null`).
pub mod required {
    use super::*;

    /// Writes the field.
    pub fn write<S: Serializer, T: Serialize>(
        w: &mut Writer<S>,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        w.field(key, value)
    }

    /// Reads the field's value.
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        slot: &mut Option<T>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// The value read, or a "missing field" error.
    pub fn finish<T, E: de::Error>(slot: Option<T>, key: &'static str) -> Result<T, E> {
        slot.ok_or_else(|| E::missing_field(key))
    }
}

/// A field that may be absent (an `Option`, not written when `None`).
pub mod optional {
    use super::*;

    /// Writes the field unless it is `None`.
    pub fn write<S: Serializer, T: Serialize>(
        w: &mut Writer<S>,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        match value {
            Some(v) => w.field(key, v),
            None => w.skip(key),
        }
    }

    /// Reads the field's value (`null` is `None`).
    pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
        slot: &mut Option<Option<T>>,
        map: &mut A,
    ) -> Result<(), A::Error> {
        *slot = Some(map.next_value()?);
        Ok(())
    }

    /// The value read; `None` when absent.
    pub fn finish<T, E: de::Error>(
        slot: Option<Option<T>>,
        _key: &'static str,
    ) -> Result<Option<T>, E> {
        Ok(slot.flatten())
    }
}

/// A field that must be sent but may be `null` (an `Option` written as
/// `null`; read as `None` when absent).
pub mod nullable {
    use super::*;

    /// Writes the field, `null` when `None`.
    pub fn write<S: Serializer, T: Serialize>(
        w: &mut Writer<S>,
        key: &'static str,
        value: &Option<T>,
    ) -> Result<(), S::Error> {
        w.field(key, value)
    }

    pub use super::optional::{finish, read};
}

/// Implements `Serialize`, `Deserialize` and [`Record`] for a struct from the
/// wire names of its fields, each with its kind (`required`, `optional` or
/// `nullable`), its position, and its type as declared; the extra map of
/// additional properties, if any, comes last after `..`.
///
/// ```
/// #[derive(Debug, Clone, PartialEq)]
/// pub struct User {
///     pub id: String,
///     pub team_id: Option<String>,
/// }
///
/// chili_runtime::record!(User {
///     required 0 id: String = "id",
///     optional 1 team_id: Option<String> = "teamId",
/// });
///
/// let user: User = serde_json::from_str(r#"{"id": "u1", "other": 1}"#).unwrap();
/// assert_eq!(user, User { id: "u1".into(), team_id: None });
/// assert_eq!(serde_json::to_string(&user).unwrap(), r#"{"id":"u1"}"#);
/// let err = serde_json::from_str::<User>(r#"{"teamId": "t"}"#).unwrap_err();
/// assert!(err.to_string().starts_with("missing field `id`"));
/// ```
#[macro_export]
macro_rules! record {
    ($name:ident { $($kind:ident $i:tt $field:ident : $ty:ty = $wire:literal),* $(,)? }) => {
        $crate::record!(@impl $name, false, (), [], $($kind $i $field: $ty = $wire),*);
    };
    ($name:ident { $($kind:ident $i:tt $field:ident : $ty:ty = $wire:literal,)* .. $extra:ident : $ety:ty $(,)? }) => {
        $crate::record!(
            @impl $name,
            true,
            ::std::collections::BTreeMap<::std::string::String, $ety>,
            [$extra],
            $($kind $i $field: $ty = $wire),*
        );
    };
    (@impl $name:ident, $keeps:literal, $extra_ty:ty, [$($extra:ident)?],
        $($kind:ident $i:tt $field:ident : $ty:ty = $wire:literal),*) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                let mut w = $crate::record::Writer::new(
                    serializer,
                    ::core::stringify!($name),
                    <Self as $crate::record::Record>::FIELDS.len(),
                    $keeps,
                )?;
                $($crate::record::$kind::write(&mut w, $wire, &self.$field)?;)*
                $(w.extra(&self.$extra)?;)?
                w.end()
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::record::deserialize(deserializer)
            }
        }

        impl $crate::record::Record for $name {
            const NAME: &'static str = ::core::stringify!($name);
            const FIELDS: &'static [&'static str] = &[$($wire),*];

            fn index(key: &str) -> ::core::option::Option<usize> {
                match key {
                    $($wire => ::core::option::Option::Some($i),)*
                    _ => ::core::option::Option::None,
                }
            }

            const KEEPS_EXTRA: bool = $keeps;
            type Slots = (($(::core::option::Option<$ty>,)*), $extra_ty);

            fn start() -> Self::Slots {
                (($(::core::option::Option::<$ty>::None,)*), ::core::default::Default::default())
            }

            #[allow(unused_variables)]
            fn read<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                index: usize,
                map: &mut A,
            ) -> ::core::result::Result<(), A::Error> {
                match index {
                    $($i => $crate::record::$kind::read(&mut (slots.0).$i, map),)*
                    _ => ::core::result::Result::Ok(()),
                }
            }

            #[allow(unused_variables)]
            fn read_extra<'de, A: $crate::__private::serde::de::MapAccess<'de>>(
                slots: &mut Self::Slots,
                key: ::std::string::String,
                map: &mut A,
            ) -> ::core::result::Result<(), A::Error> {
                $crate::record::__extra(&mut slots.1, key, map)
            }

            #[allow(unused_variables)]
            fn finish<E: $crate::__private::serde::de::Error>(
                slots: Self::Slots,
            ) -> ::core::result::Result<Self, E> {
                ::core::result::Result::Ok(Self {
                    $($field: $crate::record::$kind::finish((slots.0).$i, $wire)?,)*
                    $($extra: slots.1,)?
                })
            }
        }
    };
}

/// Stores or skips a key that is not a named field: kept in the extra map
/// when the record has one (`()` when it has not).
#[doc(hidden)]
pub fn __extra<'de, X: Extra<'de>, A: MapAccess<'de>>(
    extra: &mut X,
    key: String,
    map: &mut A,
) -> Result<(), A::Error> {
    extra.read(key, map)
}

/// Where a record keeps keys that are not named fields.
#[doc(hidden)]
pub trait Extra<'de> {
    /// Reads the value of `key`.
    fn read<A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error>;
}

impl<'de> Extra<'de> for () {
    fn read<A: MapAccess<'de>>(&mut self, _key: String, map: &mut A) -> Result<(), A::Error> {
        map.next_value::<IgnoredAny>().map(|_| ())
    }
}

impl<'de, V: Deserialize<'de>> Extra<'de> for std::collections::BTreeMap<String, V> {
    fn read<A: MapAccess<'de>>(&mut self, key: String, map: &mut A) -> Result<(), A::Error> {
        self.insert(key, map.next_value()?);
        Ok(())
    }
}
