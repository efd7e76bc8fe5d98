import streamlit as st
st.title('escalation')
