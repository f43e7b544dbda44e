//! Recognising paginated list operations from the document, not from a hand
//! list: a page number (`page`) and size (`pageSize`) in the query or the JSON
//! body, and a response object with a list of items plus a total or a
//! "has more" flag.

use crate::ir::{
    Field, Operation, PageField, Pagination, ParamLocation, Response, TypeDef, TypeKind, TypeRef,
};

const PAGE: &str = "page";
const PAGE_SIZE: &str = "pageSize";
/// Response fields that hold a page's items, in order of preference.
const ITEM_FIELDS: &[&str] = &["results", "items", "data", "records", "values"];
const TOTAL_FIELDS: &[&str] = &["total", "totalCount", "totalItems"];
const HAS_MORE_FIELDS: &[&str] = &["hasMoreItems", "hasMore", "hasNext"];
/// Response fields holding a link to the next page (the help article promises `nextPage`).
const NEXT_LINK_FIELDS: &[&str] = &["nextPage", "nextPageUrl", "nextLink", "next"];

/// The pagination of `op`, if it is a paginated list.
pub fn detect(op: &Operation, types: &[TypeDef]) -> Option<Pagination> {
    let Response::Json(TypeRef::Named(response)) = &op.response else {
        return None;
    };
    let response_fields = struct_fields(types, response)?;

    let (item_field, item, items_optional) = ITEM_FIELDS.iter().find_map(|name| {
        let f = response_fields.iter().find(|f| f.wire_name == *name)?;
        match &f.ty {
            TypeRef::List(item) => Some((f, (**item).clone(), !f.required)),
            // Left open by the document ("payload structure might change"): walk a JSON array.
            TypeRef::Json => Some((f, TypeRef::Json, !f.required)),
            _ => None,
        }
    })?;
    let scalar = |names: &[&str], ty: &TypeRef| {
        names.iter().find_map(|n| {
            response_fields
                .iter()
                .find(|f| f.wire_name == *n && &f.ty == ty)
                .map(|f| f.name.clone())
        })
    };
    let total = scalar(TOTAL_FIELDS, &TypeRef::I64).or_else(|| scalar(TOTAL_FIELDS, &TypeRef::I32));
    let has_more = HAS_MORE_FIELDS
        .iter()
        .find_map(|n| {
            response_fields
                .iter()
                .find(|f| f.wire_name == *n && f.ty == TypeRef::Bool && f.required)
        })
        .map(|f| f.name.clone());
    let next_link = NEXT_LINK_FIELDS
        .iter()
        .find_map(|n| {
            response_fields.iter().find(|f| {
                f.wire_name == *n
                    && (f.ty == TypeRef::String
                        || f.ty == TypeRef::Nullable(Box::new(TypeRef::String)))
            })
        })
        .map(|f| f.name.clone());
    if total.is_none()
        && has_more.is_none()
        && next_link.is_none()
        && !response_fields.iter().any(|f| f.wire_name == PAGE)
    {
        // A bare list in an object, with nothing to say where the end is.
        return None;
    }
    let echoed_page_size = response_fields
        .iter()
        .find(|f| {
            f.wire_name == PAGE_SIZE && matches!(f.ty, TypeRef::I64 | TypeRef::I32) && f.required
        })
        .map(|f| f.name.clone());

    let (page, page_size, page_type) = request_paging(op, types)?;
    Some(Pagination {
        page,
        page_type,
        page_size,
        items: item_field.name.clone(),
        item,
        items_optional,
        total,
        has_more,
        echoed_page_size,
        next_link,
    })
}

fn struct_fields<'t>(types: &'t [TypeDef], name: &str) -> Option<&'t [Field]> {
    match &types.iter().find(|t| t.name == name)?.kind {
        TypeKind::Struct { fields, .. } => Some(fields),
        _ => None,
    }
}

fn is_integer(t: &TypeRef) -> bool {
    matches!(t, TypeRef::I64 | TypeRef::I32)
}

/// Where the operation takes `page` (and `pageSize`): optional query
/// parameters, or fields of its JSON body (directly or one struct down); and
/// the page number's integer type there.
fn request_paging(
    op: &Operation,
    types: &[TypeDef],
) -> Option<(PageField, Option<PageField>, TypeRef)> {
    let query_param = |wire: &str| {
        op.params.iter().find(|p| {
            p.location == ParamLocation::Query
                && p.wire_name == wire
                && !p.required
                && is_integer(&p.ty)
        })
    };
    let query = |wire: &str| query_param(wire).map(|p| PageField::Query(p.name.clone()));
    if let Some(page) = query_param(PAGE) {
        return Some((
            PageField::Query(page.name.clone()),
            query(PAGE_SIZE),
            page.ty.clone(),
        ));
    }
    let body = op.body.as_ref().filter(|b| b.required)?;
    let TypeRef::Named(body_type) = &body.ty else {
        return None;
    };
    let fields = struct_fields(types, body_type)?;
    let direct_field = |wire: &str| {
        fields
            .iter()
            .find(|f| f.wire_name == wire && is_integer(&f.ty))
    };
    let direct = |f: &Field| PageField::Body {
        path: vec![f.name.clone()],
        optional: !f.required,
        container: None,
    };
    if let Some(page) = direct_field(PAGE) {
        return Some((
            direct(page),
            direct_field(PAGE_SIZE).map(direct),
            page.ty.clone(),
        ));
    }
    // One level down: a `pagination: Option<Pagination>` made of exactly page and page size.
    for f in fields {
        let TypeRef::Named(inner) = &f.ty else {
            continue;
        };
        let Some(inner_fields) = struct_fields(types, inner) else {
            continue;
        };
        let wire: Vec<&str> = inner_fields.iter().map(|g| g.wire_name.as_str()).collect();
        if wire.len() == 2
            && wire.contains(&PAGE)
            && wire.contains(&PAGE_SIZE)
            && inner_fields.iter().all(|g| g.required && is_integer(&g.ty))
        {
            let field = |w: &str| {
                inner_fields
                    .iter()
                    .find(|g| g.wire_name == w)
                    .expect("checked above")
            };
            let at = |g: &Field| PageField::Body {
                path: vec![f.name.clone(), g.name.clone()],
                optional: !f.required,
                container: Some(inner.clone()),
            };
            let page = field(PAGE);
            return Some((at(page), Some(at(field(PAGE_SIZE))), page.ty.clone()));
        }
    }
    None
}
