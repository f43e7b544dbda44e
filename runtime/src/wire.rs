//! Wire format of the generated open enums, open unions and newtypes.
//!
//! A generated crate declares each such type itself (so its docs and variants
//! read like any Rust type) and then calls one of the macros here, which write
//! the conversions and the serde implementations. The rules (unknown values
//! kept, tag written first, first matching untagged variant wins) therefore
//! live here once, and each generated type is a few lines.

use serde::de::DeserializeOwned;
use serde::ser::Error as _;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// Reads a string, for open string enums.
pub fn string<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    <String as serde::Deserialize>::deserialize(deserializer)
}

/// The discriminator value of a tagged union's JSON object, if it has one.
pub fn tag_of(value: &Value, tag: &str) -> Option<String> {
    value.get(tag).and_then(Value::as_str).map(str::to_owned)
}

/// Decodes a tagged variant's payload from the whole object; the payload
/// type has no tag field and ignores it.
pub fn payload<T: DeserializeOwned, E: serde::de::Error>(value: &Value) -> Result<T, E> {
    T::deserialize(value).map_err(E::custom)
}

/// Tries an untagged union's variant.
pub fn try_payload<T: DeserializeOwned>(value: &Value) -> Option<T> {
    T::deserialize(value).ok()
}

/// Writes a tagged variant: the tag first, then the payload's fields (a
/// payload's own tag field, if it has one, is not written twice).
pub fn serialize_tagged<S: Serializer, T: Serialize>(
    serializer: S,
    tag: &str,
    value: &str,
    payload: Option<&T>,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeMap;
    let fields = match payload
        .map(serde_json::to_value)
        .transpose()
        .map_err(S::Error::custom)?
    {
        None => Map::new(),
        Some(Value::Object(fields)) => fields,
        Some(_) => {
            return Err(S::Error::custom(
                "a tagged union variant must serialize to a JSON object",
            ))
        }
    };
    let rest = fields.iter().filter(|(k, _)| *k != tag);
    let mut map = serializer.serialize_map(Some(1 + rest.clone().count()))?;
    map.serialize_entry(tag, value)?;
    for (k, v) in rest {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

/// Implements an open string enum: `as_str`, `From<&str>`, `Display` and
/// serde as a JSON string, for an enum of unit variants followed by
/// `Unknown(String)`, which holds any value not listed.
///
/// ```
/// #[derive(Debug, Clone, PartialEq)]
/// #[non_exhaustive]
/// pub enum Status {
///     Active,
///     Cancelled,
///     Unknown(String),
/// }
///
/// chili_runtime::open_enum!(Status {
///     Active = "active",
///     Cancelled = "cancelled",
/// });
///
/// assert_eq!(serde_json::to_string(&Status::Active).unwrap(), r#""active""#);
/// let later: Status = serde_json::from_str(r#""archived""#).unwrap();
/// assert_eq!(later, Status::Unknown("archived".into()));
/// assert_eq!(later.to_string(), "archived");
/// ```
#[macro_export]
macro_rules! open_enum {
    ($name:ident { $($variant:ident = $wire:literal),* $(,)? }) => {
        impl $name {
            /// The value as it appears on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Unknown(value) => value,
                }
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                match value {
                    $($wire => Self::$variant,)*
                    other => Self::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::wire::string(deserializer).map(|s| Self::from(s.as_str()))
            }
        }
    };
}

/// Implements a union tagged by the property `$tag`: `tag()` and serde, for
/// an enum of variants followed by `Unknown(serde_json::Value)`, which holds
/// any object whose tag is not listed (or that has none). A variant with a
/// payload is written `Name(_) = "tag value"`, one without `Name = "tag value"`.
///
/// The payload is decoded from the whole object and must ignore the tag
/// property; on the wire the tag comes first, then the payload's fields.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// pub struct Email { pub address: String }
///
/// #[derive(Debug, Clone, PartialEq)]
/// #[non_exhaustive]
/// pub enum Contact {
///     Email(Email),
///     Nobody,
///     Unknown(serde_json::Value),
/// }
///
/// chili_runtime::tagged_union!(Contact, "type", {
///     Email(_) = "email",
///     Nobody = "nobody",
/// });
///
/// let email = Contact::Email(Email { address: "a@b.c".into() });
/// let json = serde_json::to_string(&email).unwrap();
/// assert_eq!(json, r#"{"type":"email","address":"a@b.c"}"#);
/// assert_eq!(serde_json::from_str::<Contact>(&json).unwrap(), email);
/// let later: Contact = serde_json::from_str(r#"{"type":"phone","n":"1"}"#).unwrap();
/// assert_eq!(later.tag(), Some("phone"));
/// assert!(matches!(later, Contact::Unknown(_)));
/// ```
#[macro_export]
macro_rules! tagged_union {
    ($name:ident, $tag:literal, { $($variant:ident $(($p:tt))? = $wire:literal),* $(,)? }) => {
        impl $name {
            #[doc = concat!(" The variant's `", $tag, "`, as it appears on the wire.")]
            pub fn tag(&self) -> ::core::option::Option<&str> {
                match self {
                    $(Self::$variant $(($p))? => ::core::option::Option::Some($wire),)*
                    Self::Unknown(value) => value
                        .get($tag)
                        .and_then($crate::__private::serde_json::Value::as_str),
                }
            }
        }

        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant $(($crate::__wire_bind!($p, payload)))? => {
                        $crate::wire::serialize_tagged(
                            serializer,
                            $tag,
                            $wire,
                            $crate::__wire_some!($($p, payload)?),
                        )
                    })*
                    Self::Unknown(value) => {
                        $crate::__private::serde::Serialize::serialize(value, serializer)
                    }
                }
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value = <$crate::__private::serde_json::Value as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                match $crate::wire::tag_of(&value, $tag).as_deref() {
                    $(::core::option::Option::Some($wire) => {
                        $crate::__wire_tagged_variant!(value, Self::$variant $(, $p)?)
                    })*
                    _ => ::core::result::Result::Ok(Self::Unknown(value)),
                }
            }
        }
    };
}

/// Implements a union without a tag: serde, for an enum of variants followed
/// by `Unknown(serde_json::Value)`. A JSON value decodes into the first
/// variant, in the order listed, whose payload type accepts it, else into
/// `Unknown`; variants without a payload (written without `(_)`) are never
/// decoded into.
///
/// ```
/// #[derive(Debug, Clone, PartialEq)]
/// #[non_exhaustive]
/// pub enum IdOrName {
///     Id(i64),
///     Name(String),
///     Unknown(serde_json::Value),
/// }
///
/// chili_runtime::untagged_union!(IdOrName { Id(_), Name(_) });
///
/// assert_eq!(serde_json::from_str::<IdOrName>("7").unwrap(), IdOrName::Id(7));
/// assert_eq!(serde_json::from_str::<IdOrName>(r#""x""#).unwrap(), IdOrName::Name("x".into()));
/// assert!(matches!(serde_json::from_str::<IdOrName>("[]").unwrap(), IdOrName::Unknown(_)));
/// assert_eq!(serde_json::to_string(&IdOrName::Id(7)).unwrap(), "7");
/// ```
#[macro_export]
macro_rules! untagged_union {
    ($name:ident { $($variant:ident $(($p:tt))?),* $(,)? }) => {
        impl $crate::__private::serde::Serialize for $name {
            fn serialize<S: $crate::__private::serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                match self {
                    $(Self::$variant $(($crate::__wire_bind!($p, payload)))? => {
                        $crate::__wire_untagged_serialize!(serializer $(, $p, payload)?)
                    })*
                    Self::Unknown(value) => {
                        $crate::__private::serde::Serialize::serialize(value, serializer)
                    }
                }
            }
        }

        impl<'de> $crate::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__private::serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let value = <$crate::__private::serde_json::Value as $crate::__private::serde::Deserialize>::deserialize(deserializer)?;
                $($crate::__wire_untagged_try!(value, Self::$variant $(, $p)?);)*
                ::core::result::Result::Ok(Self::Unknown(value))
            }
        }
    };
}

/// Implements a newtype's conversions: `From<inner>` and `Display`, and for
/// a string newtype also `From<&str>`, `Deref<Target = str>` and
/// `AsRef<str>`. For a `pub struct Name(pub Inner)` declared with
/// `#[serde(transparent)]`.
///
/// ```
/// #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
/// #[serde(transparent)]
/// pub struct UserId(pub String);
///
/// chili_runtime::newtype!(UserId(String));
///
/// let id = UserId::from("u-1");
/// assert_eq!(id.len(), 3);
/// assert_eq!(id.to_string(), "u-1");
/// ```
#[macro_export]
macro_rules! newtype {
    (@common $name:ident($inner:ty)) => {
        impl ::core::convert::From<$inner> for $name {
            fn from(value: $inner) -> Self {
                Self(value)
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.0, f)
            }
        }
    };
    ($name:ident(String)) => {
        $crate::newtype!(@common $name(::std::string::String));

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(::std::borrow::ToOwned::to_owned(value))
            }
        }

        impl ::core::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
    ($name:ident($inner:ty)) => {
        $crate::newtype!(@common $name($inner));
    };
}

// Helpers of the macros above. A variant's payload marker `_` decides what
// each arm does; these turn it into code, since a repetition can only be
// expanded through a metavariable it contains.

/// `$i` (a pattern binding) when the variant has a payload.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_bind {
    ($p:tt, $i:ident) => {
        $i
    };
}

/// `Some(payload)`, or `None` for a variant without one.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_some {
    () => {
        ::core::option::Option::None::<&()>
    };
    ($p:tt, $i:ident) => {
        ::core::option::Option::Some($i)
    };
}

/// Decodes a tagged variant (from the whole object) or builds a unit one.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_tagged_variant {
    ($value:ident, $variant:path, $p:tt) => {
        $crate::wire::payload(&$value).map($variant)
    };
    ($value:ident, $variant:path) => {
        ::core::result::Result::Ok($variant)
    };
}

/// Writes an untagged variant: its payload as is, or `null`.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_untagged_serialize {
    ($serializer:ident, $p:tt, $i:ident) => {
        $crate::__private::serde::Serialize::serialize($i, $serializer)
    };
    ($serializer:ident) => {
        $serializer.serialize_unit()
    };
}

/// Returns the variant if its payload type accepts the value.
#[doc(hidden)]
#[macro_export]
macro_rules! __wire_untagged_try {
    ($value:ident, $variant:path, $p:tt) => {
        if let ::core::option::Option::Some(decoded) = $crate::wire::try_payload(&$value) {
            return ::core::result::Result::Ok($variant(decoded));
        }
    };
    ($value:ident, $variant:path) => {};
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Card {
        last4: String,
    }

    /// Shares its schema with a union that tags it, so it has the tag field too.
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Wire {
        kind: String,
        iban: String,
    }

    #[derive(Debug, Clone, PartialEq)]
    enum Payment {
        Card(Card),
        Wire(Box<Wire>),
        Cash,
        Unknown(Value),
    }

    crate::tagged_union!(Payment, "kind", {
        Card(_) = "card",
        Wire(_) = "wire",
        Cash = "cash",
    });

    #[derive(Debug, Clone, PartialEq)]
    enum Amount {
        Cents(i64),
        Text(String),
        Nothing,
        Unknown(Value),
    }

    crate::untagged_union!(Amount { Cents(_), Text(_), Nothing });

    #[derive(Debug, Clone, PartialEq, Eq)]
    enum Level {
        Low,
        High,
        Unknown(String),
    }

    crate::open_enum!(Level { Low = "low", High = "HIGH" });

    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    #[serde(transparent)]
    struct Score(f64);

    crate::newtype!(Score(f64));

    fn round_trip<
        T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    >(
        value: Value,
    ) -> T {
        let decoded: T = serde_json::from_value(value.clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&decoded).unwrap(),
            value,
            "{decoded:?}"
        );
        decoded
    }

    #[test]
    fn tagged_unions() {
        let card = round_trip::<Payment>(json!({"kind": "card", "last4": "4242"}));
        assert_eq!(
            card,
            Payment::Card(Card {
                last4: "4242".into()
            })
        );
        assert_eq!(card.tag(), Some("card"));
        // The tag is written once, first, even when the payload has it too.
        let wire = Payment::Wire(Box::new(Wire {
            kind: "wire".into(),
            iban: "DE00".into(),
        }));
        assert_eq!(
            serde_json::to_string(&wire).unwrap(),
            r#"{"kind":"wire","iban":"DE00"}"#
        );
        assert_eq!(
            round_trip::<Payment>(json!({"kind": "cash"})),
            Payment::Cash
        );
        let later = round_trip::<Payment>(json!({"kind": "crypto", "coin": "x"}));
        assert_eq!(later.tag(), Some("crypto"));
        assert!(matches!(later, Payment::Unknown(_)));
        assert!(matches!(
            round_trip::<Payment>(json!({"no": "tag"})),
            Payment::Unknown(_)
        ));
        // A known tag with a payload that does not fit is an error, not Unknown.
        let err = serde_json::from_value::<Payment>(json!({"kind": "card"})).unwrap_err();
        assert!(err.to_string().contains("last4"), "{err}");
    }

    #[test]
    fn untagged_unions_take_the_first_variant_that_fits() {
        assert_eq!(round_trip::<Amount>(json!(250)), Amount::Cents(250));
        assert_eq!(
            round_trip::<Amount>(json!("2.50")),
            Amount::Text("2.50".into())
        );
        // Variants without a payload are never decoded into.
        assert_eq!(
            round_trip::<Amount>(Value::Null),
            Amount::Unknown(Value::Null)
        );
        assert_eq!(serde_json::to_value(Amount::Nothing).unwrap(), Value::Null);
        assert!(matches!(
            round_trip::<Amount>(json!([1])),
            Amount::Unknown(_)
        ));
    }

    #[test]
    fn open_enums_and_newtypes() {
        assert_eq!(round_trip::<Level>(json!("HIGH")), Level::High);
        assert_eq!(Level::from("low"), Level::Low);
        assert_eq!(
            round_trip::<Level>(json!("medium")),
            Level::Unknown("medium".into())
        );
        assert_eq!(Level::Unknown("medium".into()).as_str(), "medium");
        assert_eq!(Level::High.to_string(), "HIGH");
        assert!(serde_json::from_value::<Level>(json!(3)).is_err());
        assert_eq!(Score::from(0.5).to_string(), "0.5");
        assert_eq!(round_trip::<Score>(json!(0.5)), Score(0.5));
    }
}
