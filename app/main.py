"""Convex Playground (placeholder page until the playground lands)."""

import streamlit as st

st.set_page_config(page_title="Convex Playground", layout="wide")
st.title("Convex Playground")
st.write("Exact convex training of two-layer ReLU networks, with a certificate of global optimality.")
