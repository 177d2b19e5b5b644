//! A stand-in for the team's application: it uses the generated client.

use petshop_client::apis::pets::GetPetError;
use petshop_client::models::{Pet, Species};
use petshop_client::{Client, Error};

/// The cheapest cat for sale, if any.
pub async fn cheapest_cat(
    client: &Client,
) -> Result<Option<Pet>, Error<petshop_client::apis::pets::ListPetsError>> {
    let pets = client.pets().list_pets().species(Species::Cat).limit(1).send().await?;
    Ok(pets.into_iter().next())
}

/// A pet's price, or `None` when the shop has no pet of that name.
pub async fn price_of(client: &Client, name: &str) -> Result<Option<i64>, Error<GetPetError>> {
    match client.pets().get_pet(name).send().await {
        Ok(pet) => Ok(Some(pet.price_cents)),
        Err(Error::Api(GetPetError::NotFound(_))) => Ok(None),
        Err(other) => Err(other),
    }
}
