-- A card or Swish request under way is kept with the open sale, so that after a crash or a
-- restart the till still knows to ask the terminal (or Swish) what became of it before it
-- takes any other payment: the sale's lines and the request's reference survive together.
ALTER TABLE open_sale ADD COLUMN pending TEXT;
