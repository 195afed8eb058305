"""Turns `corpus/` into the trained model in `model/`: validate, train, evaluate, save."""
