"""The Streamlit playground: state, point editor, figures. Holds no mathematics."""
