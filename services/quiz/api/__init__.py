"""HTTP layer of the quiz service: thin views over the domain modules."""
