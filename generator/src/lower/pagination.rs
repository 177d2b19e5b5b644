//! Which list operations page, and how: recognised from what the spec
//! shows, or said by the `x-pagination` extension where it cannot be seen.
//!
//! Recognised (names compared in snake case):
//!
//! | request parameter | response field | step |
//! |---|---|---|
//! | `cursor`, `page_token`, `next_token`, `token`, `continuation_token`, `marker`, `starting_after`, `after` | `next_cursor`, `cursor`, `next_page_token`, `next_token`, `continuation_token`, `next_marker`, `next` | cursor |
//! | `previous_<key>` | `next_page_<key>` (Agilicus: `previous_email`, `next_page_email`) | cursor |
//! | `offset` (integer) | | by the items received |
//! | `page` (integer) | | by one, from its `default`, else its `minimum`, else 1 |
//!
//! The operation must be a GET whose success body is an object with one
//! array property, the items. Otherwise, a success response documenting a
//! `Link` header pages by it (`rel="next"`, GitHub's way), its items the
//! body's one array property or the body itself when it is an array.
//! `x-pagination` on the operation says it
//! where names do not: `{items: users, cursor: {param: previous_email,
//! field: next_page_email}}`, `{items: users, offset: offset}` or
//! `{items: users, page: page, first: 0}`.

use heck::ToSnakeCase;
use serde_json::Value;

use super::Lowerer;
use crate::ir::{
    BodyKind, Field, FieldAccess, Method, PageStep, Pagination, ParamLocation, Parameter, Struct,
    Success, SuccessShape, TypeKind, TypeRef,
};

const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page_token",
    "next_token",
    "token",
    "continuation_token",
    "marker",
    "starting_after",
    "after",
];

const CURSOR_FIELDS: &[&str] = &[
    "next_cursor",
    "cursor",
    "next_page_token",
    "next_token",
    "continuation_token",
    "next_marker",
    "next",
];

impl Lowerer<'_> {
    /// How the operation pages, if it does.
    pub(super) fn pagination(
        &mut self,
        method: Method,
        extension: Option<&Value>,
        params: &[Parameter],
        success: &Success,
        pointer: &str,
    ) -> Option<Pagination> {
        if method != Method::Get {
            return None;
        }
        // One page type, always there (not an `Option` when some success
        // status has no body).
        let SuccessShape::Single { body: Some(BodyKind::Json(page)), optional: false } =
            &success.shape
        else {
            return None;
        };
        let linked = success
            .responses
            .iter()
            .any(|r| r.headers.iter().any(|h| h.wire_name.eq_ignore_ascii_case("link")));
        let body = match page {
            TypeRef::Named(name) => match &self.types.get(name)?.kind {
                TypeKind::Struct(s) => s.clone(),
                _ => return None,
            },
            // A bare array pages only by its `Link` header.
            TypeRef::List(item) if linked && extension.is_none() => {
                let how = "the `Link` header's `rel=\"next\"` is the next page".to_string();
                return Some(Pagination {
                    items_field: None,
                    item: (**item).clone(),
                    next: PageStep::Link,
                    how,
                });
            }
            _ => return None,
        };
        let found = match extension {
            Some(ext) => {
                let declared = declared(ext, params, &body);
                if declared.is_none() {
                    self.warn(
                        &crate::diag::join(pointer, "x-pagination"),
                        "`x-pagination` names no array property and request parameter of this operation; it is not paged",
                    );
                }
                declared
            }
            None => recognised(params, &body),
        };
        found.or_else(|| {
            let lists: Vec<&Field> =
                body.fields.iter().filter(|f| matches!(f.ty, TypeRef::List(_))).collect();
            match (linked && extension.is_none(), lists.as_slice()) {
                (true, [items]) => {
                    let how = "the `Link` header's `rel=\"next\"` is the next page".to_string();
                    paged(items, PageStep::Link, how)
                }
                _ => None,
            }
        })
    }
}

fn query(params: &[Parameter], snake: &str) -> Option<usize> {
    params
        .iter()
        .position(|p| p.location == ParamLocation::Query && p.wire_name.to_snake_case() == snake)
}

fn paged(items: &Field, next: PageStep, how: String) -> Option<Pagination> {
    let TypeRef::List(item) = &items.ty else { return None };
    Some(Pagination {
        items_field: Some(FieldAccess::of(items)),
        item: (**item).clone(),
        next,
        how,
    })
}

fn cursor(param: usize, field: &Field) -> PageStep {
    PageStep::Cursor { param, field: FieldAccess::of(field) }
}

/// Pagination read from well-known names.
fn recognised(params: &[Parameter], body: &Struct) -> Option<Pagination> {
    let lists: Vec<&Field> =
        body.fields.iter().filter(|f| matches!(f.ty, TypeRef::List(_))).collect();
    let [items] = lists.as_slice() else { return None };
    for field in body.fields.iter().filter(|f| f.ty == TypeRef::String) {
        let snake = field.wire_name.to_snake_case();
        let param = match snake.strip_prefix("next_page_").filter(|k| *k != "token") {
            // Not `<key>` itself: that is usually a filter (`email`).
            Some(key) => query(params, &format!("previous_{key}")),
            None if CURSOR_FIELDS.contains(&snake.as_str()) => {
                CURSOR_PARAMS.iter().find_map(|p| query(params, p))
            }
            None => None,
        };
        let Some(param) = param.filter(|&i| params[i].ty == TypeRef::String) else { continue };
        let how = format!(
            "the response's `{}` is the next request's `{}`",
            field.wire_name, params[param].wire_name
        );
        return paged(items, cursor(param, field), how);
    }
    let integer = |i: &usize| matches!(params[*i].ty, TypeRef::Integer(_));
    if let Some(param) = query(params, "offset").filter(integer) {
        let how = "`offset` advances by the items each page holds".to_string();
        return paged(items, PageStep::Offset { param }, how);
    }
    let param = query(params, "page").filter(integer)?;
    let facts = &params[param].facts;
    let first = [&facts.default, &facts.minimum]
        .into_iter()
        .flatten()
        .find_map(|v| v.parse::<i64>().ok())
        .unwrap_or(1);
    paged(items, PageStep::Page { param, first }, format!("`page` counts up from {first}"))
}

/// Pagination as `x-pagination` declares it.
fn declared(ext: &Value, params: &[Parameter], body: &Struct) -> Option<Pagination> {
    let by_wire = |wire: &str| {
        params.iter().position(|p| p.location == ParamLocation::Query && p.wire_name == wire)
    };
    let field = |wire: &str| body.fields.iter().find(|f| f.wire_name == wire);
    let items = field(ext.get("items")?.as_str()?)?;
    if let Some(c) = ext.get("cursor") {
        let param = by_wire(c.get("param")?.as_str()?)?;
        let next = field(c.get("field")?.as_str()?).filter(|f| f.ty == TypeRef::String)?;
        let how = format!(
            "declared: the response's `{}` is the next request's `{}`",
            next.wire_name, params[param].wire_name
        );
        return paged(items, cursor(param, next), how);
    }
    if let Some(offset) = ext.get("offset").and_then(Value::as_str) {
        let how = format!("declared: `{offset}` advances by the items each page holds");
        return paged(items, PageStep::Offset { param: by_wire(offset)? }, how);
    }
    let page = ext.get("page")?.as_str()?;
    let first = ext.get("first").and_then(Value::as_i64).unwrap_or(1);
    let how = format!("declared: `{page}` counts up from {first}");
    paged(items, PageStep::Page { param: by_wire(page)?, first }, how)
}
