//! Page through lists: `?page=1&per_page=50`, answered with the items and
//! the totals needed to fetch the rest.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use wijkregie_core::FieldError;

use wijkregie_app::Error;

pub const MAX_PER_PAGE: u32 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<String>,
    /// Items per page, 1 to 200 (default 50).
    pub per_page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total_items: usize,
    pub total_pages: u32,
}

fn number(value: &Option<String>, field: &str, default: u32, max: u32) -> Result<u32, FieldError> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(default),
        Some(v) => match v.parse::<u32>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(FieldError::new(field, format!("'{v}' is geen geldig getal tussen 1 en {max}"))),
        },
    }
}

impl PageQuery {
    /// Cuts one page out of `items`; asking past the end gives an empty page.
    pub fn apply<T>(&self, items: Vec<T>) -> Result<Page<T>, Error> {
        let mut problems = Vec::new();
        let page = number(&self.page, "page", 1, u32::MAX).map_err(|e| problems.push(e)).unwrap_or(1);
        let per_page = number(&self.per_page, "per_page", 50, MAX_PER_PAGE).map_err(|e| problems.push(e)).unwrap_or(50);
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        let total_items = items.len();
        let total_pages = total_items.div_ceil(per_page as usize) as u32;
        let start = (page as usize - 1).saturating_mul(per_page as usize);
        let items = items.into_iter().skip(start).take(per_page as usize).collect();
        Ok(Page { items, page, per_page, total_items, total_pages })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(page: &str, per_page: &str) -> PageQuery {
        PageQuery { page: Some(page.into()), per_page: Some(per_page.into()) }
    }

    #[test]
    fn pages_cut_the_list() {
        let p = q("2", "3").apply((1..=8).collect::<Vec<_>>()).unwrap();
        assert_eq!((p.items, p.total_items, p.total_pages), (vec![4, 5, 6], 8, 3));
        assert!(q("9", "3").apply(vec![1, 2]).unwrap().items.is_empty());
    }

    #[test]
    fn bad_numbers_name_the_parameter() {
        let Err(Error::Invalid(errors)) = q("0", "500").apply(vec![1]) else { panic!("expected invalid") };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["page", "per_page"]);
    }
}
