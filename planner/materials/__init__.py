"""A slot's materials: slides (PDF, PPTX, ODP) or links, and the recording of a slot or a
meeting; who may see them and when, and a meeting's archive of everything presented."""
