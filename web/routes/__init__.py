"""The portal's pages, one module per room: sign-in, home, reviews, cycles, people, letters."""
