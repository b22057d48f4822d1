import SmoleEngine
print("engine bench not built yet")
